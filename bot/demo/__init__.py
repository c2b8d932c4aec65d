"""`contactbot demo`: a working bot on this machine, its made-up history, and the local WeCom emulator."""
