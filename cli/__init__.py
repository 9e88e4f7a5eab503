"""The ``wa`` command line: run the stack, print schemas, drive the simulator, operate the log."""
