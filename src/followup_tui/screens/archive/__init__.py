"""The archive's screens: search as you type, previews, filing and the file picker."""
