#!/usr/bin/env python
"""Same as the `mutualis` command, for those used to manage.py."""

from mutualis.cli import main

if __name__ == "__main__":
    main()
