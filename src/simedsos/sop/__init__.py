"""SOP versions and steps, the workflow engine, the SOP document, monitoring and evaluation."""
