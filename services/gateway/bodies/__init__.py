"""Request and response bodies and query strings: typed Structs checked at the edge."""
