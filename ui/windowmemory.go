package ui

// switchboardPlace: filled in by the next commit (windowmemory.go).
func (u *UI) switchboardPlace() {}
