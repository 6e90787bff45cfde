// Progressive enhancement for paperboy pages; every page works without it.
