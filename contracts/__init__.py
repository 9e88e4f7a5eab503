"""The shared language of the WhatsApp platform: events, commands, queries, subjects, addresses.

Pure: no I/O. Other teams depend on this package alone.
"""
