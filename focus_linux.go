package main

/*
#cgo LDFLAGS: -lX11
#include <X11/Xlib.h>
#include <X11/Xatom.h>

// set_user_time_zero sets _NET_WM_USER_TIME to 0 on a window: the
// EWMH way to ask the window manager not to focus it when it is mapped.
static int set_user_time_zero(unsigned long win) {
	Display *d = XOpenDisplay(NULL);
	if (d == NULL) return 0;
	Atom userTime = XInternAtom(d, "_NET_WM_USER_TIME", False);
	long zero = 0;
	XChangeProperty(d, (Window)win, userTime, XA_CARDINAL, 32, PropModeReplace, (unsigned char *)&zero, 1);
	XSync(d, False);
	XCloseDisplay(d);
	return 1;
}

// set_above asks the window manager to keep a mapped window above others
// (_NET_WM_STATE_ABOVE, by the EWMH client message to the root window).
static int set_above(unsigned long win) {
	Display *d = XOpenDisplay(NULL);
	if (d == NULL) return 0;
	XEvent ev = {0};
	ev.xclient.type = ClientMessage;
	ev.xclient.window = (Window)win;
	ev.xclient.message_type = XInternAtom(d, "_NET_WM_STATE", False);
	ev.xclient.format = 32;
	ev.xclient.data.l[0] = 1; // _NET_WM_STATE_ADD
	ev.xclient.data.l[1] = XInternAtom(d, "_NET_WM_STATE_ABOVE", False);
	ev.xclient.data.l[3] = 1; // from a normal application
	XSendEvent(d, DefaultRootWindow(d), False, SubstructureRedirectMask | SubstructureNotifyMask, &ev);
	XSync(d, False);
	XCloseDisplay(d);
	return 1;
}

// content_position reads where a window's content is on the screen (its
// top-left corner in root coordinates).
static int content_position(unsigned long win, int *x, int *y) {
	Display *d = XOpenDisplay(NULL);
	if (d == NULL) return 0;
	Window child;
	int ok = XTranslateCoordinates(d, (Window)win, DefaultRootWindow(d), 0, 0, x, y, &child);
	XCloseDisplay(d);
	return ok;
}

// move_content puts a mapped window's content at x, y, if that corner is
// on the screen now (a monitor may have gone since). GLFW gives its
// windows static gravity, so the window manager takes x, y as the
// content's place, not the frame's: the window comes back where it was.
static int move_content(unsigned long win, int x, int y) {
	Display *d = XOpenDisplay(NULL);
	if (d == NULL) return 0;
	int w = DisplayWidth(d, DefaultScreen(d)), h = DisplayHeight(d, DefaultScreen(d));
	int on = x >= 0 && y >= 0 && x < w - 50 && y < h - 50;
	if (on) {
		XMoveWindow(d, (Window)win, x, y);
		XSync(d, False);
	}
	XCloseDisplay(d);
	return on;
}
// has_focus reports whether a window has the keyboard focus.
static int has_focus(unsigned long win) {
	Display *d = XOpenDisplay(NULL);
	if (d == NULL) return 0;
	Window focus;
	int revert;
	XGetInputFocus(d, &focus, &revert);
	XCloseDisplay(d);
	return focus == (Window)win;
}
*/
import "C"

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
)

// quietWindow asks the X11 window manager never to focus w when it is
// mapped (shown): a screen pop must not take the keyboard from what the
// user is typing in another program. GLFW's focus-on-show hint stops only
// GLFW's own focus call; window managers (Openbox, Mutter, KWin) focus
// new windows themselves unless _NET_WM_USER_TIME is 0. It needs the
// window to exist (shown once). Elsewhere (Wayland, no X) it does nothing.
func quietWindow(w fyne.Window) {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return
	}
	nw.RunNative(func(ctx any) {
		if x, ok := ctx.(driver.X11WindowContext); ok && x.WindowHandle != 0 {
			C.set_user_time_zero(C.ulong(x.WindowHandle))
		}
	})
}

// keepOnTop asks the X11 window manager to keep w above other windows
// while it is shown: the calls console must not be buried under the
// program the user works in while callers wait. Elsewhere it does nothing.
func keepOnTop(w fyne.Window) {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return
	}
	nw.RunNative(func(ctx any) {
		if x, ok := ctx.(driver.X11WindowContext); ok && x.WindowHandle != 0 {
			C.set_above(C.ulong(x.WindowHandle))
		}
	})
}

// windowPosition tells where w's content is on the X11 screen, for the
// switchboard to open there next time. Elsewhere ok is false.
func windowPosition(w fyne.Window) (x, y int, ok bool) {
	nw, isNative := w.(driver.NativeWindow)
	if !isNative {
		return 0, 0, false
	}
	nw.RunNative(func(ctx any) {
		if xc, isX := ctx.(driver.X11WindowContext); isX && xc.WindowHandle != 0 {
			var cx, cy C.int
			if C.content_position(C.ulong(xc.WindowHandle), &cx, &cy) != 0 {
				x, y, ok = int(cx), int(cy), true
			}
		}
	})
	return x, y, ok
}

// moveWindow puts a shown w's content at x, y on the X11 screen, if
// that is on the screen. Elsewhere it does nothing.
func moveWindow(w fyne.Window, x, y int) {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return
	}
	nw.RunNative(func(ctx any) {
		if xc, ok := ctx.(driver.X11WindowContext); ok && xc.WindowHandle != 0 {
			C.move_content(C.ulong(xc.WindowHandle), C.int(x), C.int(y))
		}
	})
}

// windowFocused tells whether w has the keyboard on the X11 screen: a
// window the user types in is in front already, and raising it (a hide
// and a show) would hand the keyboard to another window. Elsewhere it
// reports false.
func windowFocused(w fyne.Window) (focused bool) {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return false
	}
	nw.RunNative(func(ctx any) {
		if x, ok := ctx.(driver.X11WindowContext); ok && x.WindowHandle != 0 {
			focused = C.has_focus(C.ulong(x.WindowHandle)) != 0
		}
	})
	return focused
}
