// MAAPolicy
