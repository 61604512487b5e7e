package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
)

// entry is a dbusmenu layout node.
type entry struct {
	id       int32
	label    string
	enabled  bool
	checked  bool
	children []entry
}

// layout reads the whole menu of it.
func layout(ctx context.Context, conn *dbus.Conn, it item) (dbus.BusObject, entry, error) {
	var path dbus.ObjectPath
	if err := property(ctx, it.object(conn), itemIface, "Menu", &path); err != nil {
		return nil, entry{}, fmt.Errorf("trayprobe: the item's Menu property: %w", err)
	}
	menu := conn.Object(it.dest, path)
	var revision uint32
	var root []any
	err := menu.CallWithContext(ctx, menuIface+".GetLayout", 0, int32(0), int32(-1), []string{}).Store(&revision, &root)
	if err != nil {
		return nil, entry{}, fmt.Errorf("GetLayout: %w", err)
	}
	return menu, decode(root), nil
}

// decode turns a (ia{sv}av) node into an entry.
func decode(node []any) entry {
	var e entry
	if len(node) != 3 {
		return e
	}
	e.id, _ = node[0].(int32)
	props, _ := node[1].(map[string]dbus.Variant)
	e.enabled = true
	if v, ok := props["label"]; ok {
		e.label, _ = v.Value().(string)
	}
	if v, ok := props["enabled"]; ok {
		e.enabled, _ = v.Value().(bool)
	}
	if v, ok := props["toggle-state"]; ok {
		n, _ := v.Value().(int32)
		e.checked = n == 1
	}
	kids, _ := node[2].([]dbus.Variant)
	for _, k := range kids {
		if n, ok := k.Value().([]any); ok {
			e.children = append(e.children, decode(n))
		}
	}
	return e
}

// printMenu prints one line per entry, indented by depth, with
// "(disabled)" and "(checked)" where they apply.
func printMenu(ctx context.Context, conn *dbus.Conn, it item) error {
	_, root, err := layout(ctx, conn, it)
	if err != nil {
		return err
	}
	var walk func(e entry, depth int)
	walk = func(e entry, depth int) {
		for _, c := range e.children {
			line := strings.Repeat("  ", depth) + c.label
			if !c.enabled {
				line += " (disabled)"
			}
			if c.checked {
				line += " (checked)"
			}
			fmt.Println(line)
			walk(c, depth+1)
		}
	}
	walk(root, 0)
	return nil
}

// click sends the "clicked" event a tray host sends when the user picks
// the entry labelled label.
// A menu is rebuilt item by item and a layout read meanwhile holds part
// of it, as a person may open a menu a moment before it is whole: the
// entry is looked for again until it is there and enabled, or ctx ends.
func click(ctx context.Context, conn *dbus.Conn, it item, label string) error {
	var menu dbus.BusObject
	var e entry
	err := poll(ctx, fmt.Sprintf("no enabled menu entry %q", label), func() (bool, error) {
		m, root, err := layout(ctx, conn, it)
		if err != nil {
			return false, err
		}
		found, ok := find(root, label)
		switch {
		case !ok:
			return false, fmt.Errorf("no menu entry %q", label)
		case !found.enabled:
			return false, fmt.Errorf("menu entry %q is disabled", label)
		}
		menu, e = m, found
		return true, nil
	})
	if err != nil {
		return err
	}
	call := menu.CallWithContext(ctx, menuIface+".Event", 0, e.id, "clicked", dbus.MakeVariant(""), uint32(time.Now().Unix()))
	if call.Err != nil {
		return fmt.Errorf("trayprobe: clicking %q (dbusmenu Event): %w", label, call.Err)
	}
	return nil
}

func find(e entry, label string) (entry, bool) {
	for _, c := range e.children {
		if c.label == label {
			return c, true
		}
		if f, ok := find(c, label); ok {
			return f, true
		}
	}
	return entry{}, false
}
