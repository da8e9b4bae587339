"""Users, work units (satker), roles and acting officials (Plt/Plh)."""
