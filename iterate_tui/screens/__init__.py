"""One module per screen; dialogs are modal screens used by several of them."""
