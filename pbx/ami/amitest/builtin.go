package amitest

import (
	"strconv"
	"strings"
	"time"

	"github.com/deskline/deskline/pbx/ami"
)

// builtin answers an action no script step waits for, with Asterisk 22's
// exact wording (from the captures, f2 in particular).
func (s *session) builtin(m ami.Message) {
	srv := s.srv
	action := m.Get(ami.KeyAction)
	for _, d := range srv.opts.Denied {
		if strings.EqualFold(d, action) {
			s.replyError(m, "Permission denied")
			return
		}
	}
	switch strings.ToLower(action) {
	case "ping":
		r := response(m, "Success", "")
		r.Add("Ping", "Pong")
		r.Add("Timestamp", timestamp(time.Now()))
		s.reply(r)
	case "events":
		mask := parseMask(m.Get("EventMask"))
		s.mu.Lock()
		s.mask = mask
		s.mu.Unlock()
		r := response(m, "Success", "")
		if mask.on() {
			r.Add("Events", "On")
		} else {
			r.Add("Events", "Off")
		}
		s.reply(r)
	case "coresettings":
		r := response(m, "Success", "")
		for _, f := range [][2]string{
			{"AMIversion", "11.0.0"}, {"AsteriskVersion", srv.opts.Version},
			{"SystemName", ""}, {"CoreMaxCalls", "0"}, {"CoreMaxLoadAvg", "0.000000"},
			{"CoreRunUser", ""}, {"CoreRunGroup", ""}, {"CoreMaxFilehandles", "0"},
			{"CoreRealTimeEnabled", "No"}, {"CoreCDRenabled", "Yes"},
			{"CoreHTTPenabled", "No"}, {"SoundsSearchCustomDir", "No"},
		} {
			r.Add(f[0], f[1])
		}
		s.reply(r)
	case "coreshowchannels":
		srv.mu.Lock()
		items := srv.channels.list(m.ActionID())
		srv.mu.Unlock()
		s.replyList(m, "Channels will follow", items, "CoreShowChannelsComplete")
	case "devicestatelist":
		srv.mu.Lock()
		items := srv.devices.list(m.ActionID())
		srv.mu.Unlock()
		s.replyList(m, "Device State Changes will follow", items, "DeviceStateListComplete")
	case "hangup":
		s.hangup(m)
	case "redirect":
		s.redirect(m)
	case "park":
		s.park(m)
	case "cancelatxfer":
		s.cancelAtxfer(m)
	case "originate":
		s.originate(m)
	case "dbget", "dbput", "dbdel":
		s.db(m)
	case "showdialplan":
		s.showDialPlan(m)
	case "pjsipnotify":
		s.notify(m)
	case "queuestatus":
		s.queueStatus(m) // queues.go
	case "parkedcalls":
		s.parkedCalls(m)
	default:
		s.replyError(m, "Invalid/unknown command: "+action+". Use Action: ListCommands to show available commands.")
		now := time.Now()
		srv.broadcast(ami.Message{Fields: []ami.Field{
			{Key: "Event", Value: "RequestBadFormat"},
			{Key: "Privilege", Value: "security,all"},
			{Key: "Timestamp", Value: timestamp(now)},
			{Key: "EventTV", Value: eventTV(now)},
			{Key: "Severity", Value: "Error"},
			{Key: "Service", Value: "AMI"},
			{Key: "EventVersion", Value: "1"},
			{Key: "SessionID", Value: "0x7f9a3400a160"},
			{Key: "LocalAddress", Value: astAddr(s.conn.LocalAddr())},
			{Key: "RemoteAddress", Value: astAddr(s.conn.RemoteAddr())},
			{Key: "RequestType", Value: "Action: " + action},
			{Key: "SessionTV", Value: eventTV(now)},
			{Key: "AccountID", Value: srv.opts.Username},
		}})
	}
}

// replyList sends a list response: "EventList: start", the items (which
// carry the ActionID already), then the Complete event with ListItems.
func (s *session) replyList(m ami.Message, msg string, items []ami.Message, complete string) {
	r := response(m, "Success", "")
	r.Add(ami.KeyEventList, "start")
	r.Add(ami.KeyMessage, msg)
	s.reply(r)
	for _, it := range items {
		s.reply(it)
	}
	end := ami.Message{Fields: []ami.Field{{Key: "Event", Value: complete}}}
	if id := m.ActionID(); id != "" {
		end.Add(ami.KeyActionID, id)
	}
	end.Add(ami.KeyEventList, "Complete")
	end.Add("ListItems", strconv.Itoa(len(items)))
	s.reply(end)
}

// liveChannel reports whether a channel of that name exists.
func (s *session) liveChannel(name string) bool {
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	return s.srv.channels.byName(name) != nil
}

// onChannel answers an action on the channel m names, in Asterisk's words
// for each action: missing when m names none, gone (followed by the name
// when named) when no such channel lives, ok otherwise. The events that
// follow are a script's to send.
func (s *session) onChannel(m ami.Message, missing, gone string, named bool, ok string) {
	name := m.Get("Channel")
	switch {
	case name == "":
		s.replyError(m, missing)
	case !s.liveChannel(name) && named:
		s.replyError(m, gone+name)
	case !named && !s.liveChannel(name):
		s.replyError(m, gone)
	default:
		s.reply(response(m, "Success", ok))
	}
}

// hangup answers Hangup. A live channel is acknowledged but not hung up:
// only a script produces the events that follow.
func (s *session) hangup(m ami.Message) {
	s.onChannel(m, "No channel specified", "No such channel", false, "Channel Hungup")
}

// redirect answers Redirect, like hangup without events.
func (s *session) redirect(m ami.Message) {
	s.onChannel(m, "Channel not specified", "Channel does not exist: ", true, "Redirect successful")
}

// park answers Park as Asterisk 22 does (no capture: res_parking's
// manager_park, and AMI_Actions/Park of its documentation): the channel
// must exist; the ParkedCall event that follows is the script's to send.
func (s *session) park(m ami.Message) {
	s.onChannel(m, "Channel not specified", "Channel does not exist: ", true, "Park successful")
}

// cancelAtxfer answers CancelAtxfer (no capture: Asterisk 22's
// AMI_Actions/CancelAtxfer names only Channel, the transferer's; the
// answer text here is the fake's own).
func (s *session) cancelAtxfer(m ami.Message) {
	s.onChannel(m, "No channel specified", "Channel specified does not exist", false, "CancelAtxfer queued")
}

// originate answers Originate's checks; a valid one is "queued" but no
// call follows without a script.
func (s *session) originate(m ami.Message) {
	switch {
	case m.Get("Channel") == "":
		s.replyError(m, "Channel not specified")
	case m.Get("Application") == "" && (m.Get("Exten") == "" || m.Get("Context") == "" || m.Get("Priority") == ""):
		s.replyError(m, "Originate with 'Exten' requires 'Context' and 'Priority'")
	default:
		s.reply(response(m, "Success", "Originate successfully queued"))
	}
}

// db answers DBGet, DBPut and DBDel on the server's AstDB.
func (s *session) db(m ami.Message) {
	family, key := m.Get("Family"), m.Get("Key")
	if family == "" {
		s.replyError(m, "No family specified.")
		return
	}
	if key == "" {
		s.replyError(m, "No key specified.")
		return
	}
	path := family + "/" + key
	srv := s.srv
	srv.mu.Lock()
	val, found := srv.db[path]
	switch strings.ToLower(m.Get(ami.KeyAction)) {
	case "dbput":
		srv.db[path] = m.Get("Val")
	case "dbdel":
		delete(srv.db, path)
	}
	srv.mu.Unlock()
	switch action := strings.ToLower(m.Get(ami.KeyAction)); {
	case action == "dbput":
		s.reply(response(m, "Success", "Updated database successfully"))
	case !found:
		s.replyError(m, "Database entry not found")
	case action == "dbdel":
		s.reply(response(m, "Success", "Key deleted successfully"))
	default:
		// Asterisk 22 answers DBGet as a list of one.
		item := ami.Message{Fields: []ami.Field{
			{Key: "Event", Value: "DBGetResponse"},
			{Key: "Family", Value: family},
			{Key: "Key", Value: key},
			{Key: "Val", Value: val},
		}}
		if id := m.ActionID(); id != "" {
			item.Add(ami.KeyActionID, id)
		}
		s.replyList(m, "Result will follow", []ami.Message{item}, "DBGetComplete")
	}
}
