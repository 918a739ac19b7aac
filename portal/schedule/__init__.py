"""领导接访日程: the public reception schedule."""
