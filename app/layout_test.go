package app_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/deskline/deskline"

// The tray app's core is one package per job, and the arrows point one
// way: app imports its sub-packages, none of them imports app (nor ui),
// and nothing under app imports Fyne.
func TestLayout(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to list the packages")
	}
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, module+"/app/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	imports := map[string][]string{}
	for line := range strings.Lines(strings.TrimSpace(string(out))) {
		f := strings.Fields(line)
		imports[strings.TrimPrefix(f[0], module+"/")] = f[1:]
	}
	for _, p := range []string{"app", "app/instance", "app/tokens", "app/journal", "app/settings", "app/crm"} {
		if _, ok := imports[p]; !ok {
			t.Errorf("no package %s", p)
		}
	}
	for p, imps := range imports {
		for _, imp := range imps {
			switch {
			case strings.HasPrefix(imp, "fyne.io/"):
				t.Errorf("%s imports Fyne (%s)", p, imp)
			case p != "app" && (imp == module+"/app" || imp == module+"/ui"):
				t.Errorf("%s imports %s: the arrows point from app down, never back", p, imp)
			}
		}
	}
	if !slices.Contains(imports["app"], module+"/app/journal") {
		t.Errorf("app does not import app/journal: %v", imports["app"])
	}
}
