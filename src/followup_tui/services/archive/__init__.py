"""Archive use cases: filing, search, previews, the document checklist and the audit bundle."""
