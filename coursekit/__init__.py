"""Tools for courses: check a student's layers against the parity suite (``scratch-check``) and write a
starter module for an assignment (``scratch-starter``)."""
