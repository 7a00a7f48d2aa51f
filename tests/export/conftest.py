"""The export tests read the portal fixture's records and built site."""

from tests.portal.conftest import corpus, portal_root, site

__all__ = ["corpus", "portal_root", "site"]
