"""In-app notifications (overdue steps, things waiting for a person)."""
