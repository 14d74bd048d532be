"""One guide per coaching step; `flow` moves between them."""
