"""The rules of the desk as plain Python: no database, no terminal, no clock reads.

Everything here takes ``now`` or ``today`` as a parameter so it can be tested exactly.
"""
