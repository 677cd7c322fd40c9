"""Load: episode files and settings read, checked and turned into the model; every problem located."""
