package main

import "github.com/go-gl/glfw/v3.4/glfw"

// noFocusOnShow makes new windows appear without taking the keyboard
// (GLFW focuses a window when it is shown, by default). Fyne has no
// option for it; the hint holds for every window created afterwards, and
// windows the user opens on purpose ask for focus themselves. Main
// goroutine, after GLFW started (Fyne's OnStarted).
func noFocusOnShow() {
	glfw.WindowHint(glfw.FocusOnShow, glfw.False)
}
