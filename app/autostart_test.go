package app

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// autostartTestHome points XDG_CONFIG_HOME at a temporary folder and
// skips where XDG autostart does not apply.
func autostartTestHome(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("XDG autostart is tested on Linux")
	}
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	return filepath.Join(dir, "autostart", "deskline.desktop")
}

func TestAutostartWritesAndRemoves(t *testing.T) {
	path := autostartTestHome(t)
	if AutostartEnabled() {
		t.Fatal("enabled before anything was written")
	}
	if err := SetAutostart(true, "/opt/deskline/deskline", "--tray"); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"[Desktop Entry]", "Type=Application", "Name=Deskline",
		"Exec=/opt/deskline/deskline --tray", "X-GNOME-Autostart-enabled=true"} {
		if !strings.Contains(string(data), line+"\n") {
			t.Errorf("entry lacks %q:\n%s", line, data)
		}
	}
	if !AutostartEnabled() {
		t.Fatal("not enabled after SetAutostart(true)")
	}
	if err := SetAutostart(false, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("entry still there: %v", err)
	}
	if AutostartEnabled() {
		t.Fatal("enabled after SetAutostart(false)")
	}
	if err := SetAutostart(false, ""); err != nil {
		t.Fatalf("disabling twice: %v", err)
	}
}

func TestAutostartDefaultsToThisProgram(t *testing.T) {
	path := autostartTestHome(t)
	t.Setenv("APPIMAGE", "")
	if err := SetAutostart(true, ""); err != nil {
		t.Fatal(err)
	}
	self, _ := os.Executable()
	data, _ := os.ReadFile(path)
	if got := desktopExecForTest(t, string(data)); len(got) != 1 || got[0] != self {
		t.Fatalf("Exec runs %q, want %q", got, self)
	}
	t.Setenv("APPIMAGE", "/home/anna/Apps/Deskline.AppImage")
	SetAutostart(true, "")
	data, _ = os.ReadFile(path)
	if got := desktopExecForTest(t, string(data)); got[0] != "/home/anna/Apps/Deskline.AppImage" {
		t.Fatalf("Exec runs %q, want the AppImage", got)
	}
}

func TestAutostartExecQuoting(t *testing.T) {
	path := autostartTestHome(t)
	for _, c := range []struct {
		exec string
		args []string
		line string // the Exec value as the spec wants it in the file
	}{
		{"/usr/bin/deskline", nil, `/usr/bin/deskline`},
		{"/home/anna/My Apps/deskline", nil, `"/home/anna/My Apps/deskline"`},
		{`/opt/a"b/deskline`, nil, `"/opt/a\\"b/deskline"`},
		{`/opt/$HOME/x`, nil, `"/opt/\\$HOME/x"`},
		{"/opt/`x`/y", nil, "\"/opt/\\\\`x\\\\`/y\""},
		{`/opt/back\slash`, nil, `"/opt/back\\\\slash"`},
		{`/opt/100%/deskline`, []string{"%f", ""}, `/opt/100%%/deskline %%f ""`},
		{"/opt/it's/deskline", []string{"a b"}, `"/opt/it's/deskline" "a b"`},
		{"/opt/tab\there", nil, `"/opt/tab\there"`},
	} {
		if err := SetAutostart(true, c.exec, c.args...); err != nil {
			t.Errorf("%s: %v", c.exec, err)
			continue
		}
		data, _ := os.ReadFile(path)
		if !strings.Contains(string(data), "\nExec="+c.line+"\n") {
			t.Errorf("%s: want Exec=%s in\n%s", c.exec, c.line, data)
		}
		want := append([]string{c.exec}, c.args...)
		if got := desktopExecForTest(t, string(data)); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: Exec reads back as %q, want %q", c.exec, got, want)
		}
	}
}

func TestAutostartRefusesBadPaths(t *testing.T) {
	autostartTestHome(t)
	for _, p := range []string{"deskline", "./deskline", "/opt/a=b/deskline", "/opt/new\nline"} {
		if err := SetAutostart(true, p); err == nil || !strings.HasPrefix(err.Error(), "app: start at login: ") {
			t.Errorf("%q: error %v", p, err)
		}
	}
	if AutostartEnabled() {
		t.Fatal("a refused path left an entry")
	}
}

func TestAutostartHonoursDisabledEntry(t *testing.T) {
	path := autostartTestHome(t)
	SetAutostart(true, "/usr/bin/deskline")
	data, _ := os.ReadFile(path)
	// What GNOME's "Startup Applications" toggle writes.
	off := strings.Replace(string(data), "X-GNOME-Autostart-enabled=true", "X-GNOME-Autostart-enabled=false", 1)
	os.WriteFile(path, []byte(off), 0o600)
	if AutostartEnabled() {
		t.Fatal("enabled although the entry switches itself off")
	}
	os.WriteFile(path, []byte(string(data)+"Hidden=true\n"), 0o600)
	if AutostartEnabled() {
		t.Fatal("enabled although Hidden=true")
	}
}

func TestAutostartRelativeXDGIgnored(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG autostart is tested on Linux")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "relative/dir")
	if err := SetAutostart(true, "/usr/bin/deskline"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(home, ".config", "autostart", "deskline.desktop")); err != nil {
		t.Fatalf("relative XDG_CONFIG_HOME not ignored: %v", err)
	}
}

// desktopExecForTest reads the Exec line back the way a desktop does:
// undo the string escapes, then %%, then split and unquote the words.
func desktopExecForTest(t *testing.T, entry string) []string {
	t.Helper()
	var value string
	for _, line := range strings.Split(entry, "\n") {
		if v, ok := strings.CutPrefix(line, "Exec="); ok {
			value = v
		}
	}
	value = strings.NewReplacer(`\\`, `\`, `\t`, "\t", `\s`, " ", `\n`, "\n").Replace(value)
	value = strings.ReplaceAll(value, "%%", "%")
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for i := 0; i < len(value); i++ {
		c := value[i]
		switch {
		case quoted && c == '\\' && i+1 < len(value):
			i++
			cur.WriteByte(value[i])
		case c == '"':
			quoted, inWord = !quoted, true
		case c == ' ' && !quoted:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
			}
			inWord = false
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// Where start at login is not supported, turning it off (what a Save with
// the box unticked does) is no error, turning it on says why not, and
// nothing reads as enabled.
func TestAutostartUnsupported(t *testing.T) {
	autostartTestHome(t)
	if !AutostartSupported() {
		t.Fatal("not supported on Linux")
	}
	if err := SetAutostart(true, "/usr/bin/deskline"); err != nil {
		t.Fatal(err)
	}
	defer func(was string) { autostartOS = was }(autostartOS)
	for _, goos := range []string{"windows", "darwin"} {
		autostartOS = goos
		if AutostartSupported() {
			t.Errorf("%s: supported", goos)
		}
		if AutostartEnabled() {
			t.Errorf("%s: enabled", goos)
		}
		if err := SetAutostart(false, ""); err != nil {
			t.Errorf("%s: turning it off: %v", goos, err)
		}
		if err := SetAutostart(true, "/usr/bin/deskline"); !errors.Is(err, ErrAutostartUnsupported) {
			t.Errorf("%s: turning it on: %v, want ErrAutostartUnsupported", goos, err)
		}
	}
}
