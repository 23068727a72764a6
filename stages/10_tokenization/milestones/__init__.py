"""Historical milestones this stage has reached."""
