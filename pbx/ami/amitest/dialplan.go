package amitest

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/deskline/deskline/pbx/ami"
)

// LabDialplan is the extensions.conf of the lab the captures come from
// (captures/config/extensions.conf), for Options.Dialplan.
func LabDialplan() (string, error) {
	b, err := os.ReadFile(filepath.Join(CaptureDir(), "config", "extensions.conf"))
	return string(b), err
}

// SetDialplan replaces the dialplan ShowDialPlan answers from, as an edit
// of extensions.conf would before a "dialplan reload" (send the Reload
// event yourself).
func (s *Server) SetDialplan(text string) {
	s.mu.Lock()
	s.opts.Dialplan = text
	s.mu.Unlock()
}

// dpItem is one ListDialplan item of a context.
type dpItem struct {
	exten, label, prio, app, data string
	include                       string // an "include =>" line instead
}

// parseExtensionsConf reads the plain parts of an extensions.conf: [context]
// sections, "exten =>", "same =>" (priorities numbered, "n", "hint",
// labels "n(busy)") and "include =>". [general] and [globals] are not
// contexts. Enough for the fake's ShowDialPlan; not a dialplan compiler.
func parseExtensionsConf(text string) (map[string][]dpItem, []string) {
	contexts := map[string][]dpItem{}
	var order []string
	cur, exten, prio := "", "", 0
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), ";")
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			cur = line[1 : len(line)-1]
			if cur == "general" || cur == "globals" {
				cur = ""
				continue
			}
			if _, ok := contexts[cur]; !ok {
				order = append(order, cur)
				contexts[cur] = nil
			}
		case cur == "":
		case strings.HasPrefix(line, "include"):
			_, v, _ := strings.Cut(line, "=>")
			contexts[cur] = append(contexts[cur], dpItem{include: strings.TrimSpace(v)})
		case strings.HasPrefix(line, "exten"), strings.HasPrefix(line, "same"):
			_, v, _ := strings.Cut(line, "=>")
			parts := strings.SplitN(strings.TrimSpace(v), ",", 3)
			if strings.HasPrefix(line, "exten") {
				exten, parts = parts[0], parts[1:]
			} else {
				parts = strings.SplitN(strings.TrimSpace(v), ",", 2)
			}
			if len(parts) < 2 {
				continue
			}
			it := dpItem{exten: exten}
			p := parts[0]
			if i := strings.IndexByte(p, '('); i >= 0 {
				p, it.label = p[:i], strings.TrimSuffix(p[i+1:], ")")
			}
			switch p {
			case "hint":
				it.prio, it.app = "hint", parts[1]
			case "n":
				prio++
				it.prio = strconv.Itoa(prio)
			default:
				prio, _ = strconv.Atoi(p)
				it.prio = p
			}
			if it.prio != "hint" {
				app, data, _ := strings.Cut(parts[1], "(")
				it.app, it.data = app, strings.TrimSuffix(data, ")")
			}
			contexts[cur] = append(contexts[cur], it)
		}
	}
	return contexts, order
}

// showDialPlan answers ShowDialPlan as Asterisk 22 does (main/pbx.c,
// manager_show_dialplan): "Did not find context X" for a context it does
// not have; else "DialPlan list will follow", one ListDialplan per
// priority and include, and ShowDialPlanComplete with the counts. Without
// Options.Dialplan it answers as Asterisk does a manager account that
// lacks the reporting and config write classes: "Permission denied".
func (s *session) showDialPlan(m ami.Message) {
	s.srv.mu.Lock()
	text := s.srv.opts.Dialplan
	s.srv.mu.Unlock()
	if text == "" {
		s.replyError(m, "Permission denied")
		return
	}
	contexts, order := parseExtensionsConf(text)
	want := m.Get("Context")
	if _, ok := contexts[want]; want != "" && !ok {
		s.replyError(m, "Did not find context "+want)
		return
	}
	var items []ami.Message
	for _, name := range order {
		if want != "" && name != want {
			continue
		}
		for _, it := range contexts[name] {
			items = append(items, listDialplan(m, name, it))
		}
	}
	s.replyList(m, "DialPlan list will follow", items, "ShowDialPlanComplete")
}

// listDialplan renders one item in Asterisk's field order.
func listDialplan(m ami.Message, context string, it dpItem) ami.Message {
	out := ami.Message{Fields: []ami.Field{{Key: "Event", Value: "ListDialplan"}}}
	if id := m.ActionID(); id != "" {
		out.Add(ami.KeyActionID, id)
	}
	out.Add("Context", context)
	if it.include != "" {
		out.Add("IncludeContext", it.include)
		out.Add("Registrar", "pbx_config")
		return out
	}
	out.Add("Extension", it.exten)
	if it.label != "" {
		out.Add("ExtensionLabel", it.label)
	}
	out.Add("Priority", it.prio)
	out.Add("Application", it.app)
	if it.prio != "hint" {
		out.Add("AppData", it.data)
	}
	out.Add("Registrar", "pbx_config")
	return out
}
