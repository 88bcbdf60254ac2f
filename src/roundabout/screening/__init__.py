"""Screening parties and shipments against sanctions lists, with decisions and an audit log."""
