// MAAClient
