"""Working hours, working days and holidays: how long a step really waited."""
