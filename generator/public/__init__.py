"""What the public may see: which records (visibility), through which view (PublicView).

The portal, open data, the record histories and the decision log all ask here.
"""
