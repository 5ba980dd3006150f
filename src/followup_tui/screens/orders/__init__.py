"""The order desk's screens: the queue (home), the order detail, the form and its conflict."""
