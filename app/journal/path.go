package journal

import "github.com/deskline/deskline/app/internal/configfile"

// FileName is the journal file inside the configuration folder.
const FileName = "journal.json"

// Path is the configuration folder's journal.json.
func Path() (string, error) { return configfile.Path(FileName) }
