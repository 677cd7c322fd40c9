// Parse a feed with Podcast Index's own parser and print what it read as JSON.
// Usage: node tests/parse_feed.cjs feed.xml
const fs = require("fs");
const { parseFeed } = require("podcast-partytime");

const feed = parseFeed(fs.readFileSync(process.argv[2], "utf8"), { allowMissingGuid: false });
process.stdout.write(JSON.stringify(feed, (key, value) => (value instanceof Date ? value.toISOString() : value)));
