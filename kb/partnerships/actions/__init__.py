"""What a partnership agrees to do after a health-check round: its priorities (members vote, the
coordinator closes the vote) and the actions that follow, with owners and dates."""
