"""The demo data set: a realistic, bilingual store to try the desk on.

Not a use case: it loads in bulk beside the services and is called by `followup demo`.
"""
