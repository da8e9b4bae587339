"""Content items, drafts and revisions, reviews, upload orders, publications by hand, the inbox."""
