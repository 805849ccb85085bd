package render

import "net/url"

// Datasets is the catalogue of the open data under /api/v1/: the single source of the
// files' names and fields for the "Dati aperti" page, the DCAT-AP_IT catalogue, the README
// of the archive and the header of every CSV file. A test checks the project's README
// against it. Their titles, descriptions and what each field means are strings of the
// language files (Dataset.TitleKey, DescriptionKey, FieldKey), so that every language
// of the site describes them.
var Datasets = []Dataset{
	{ID: "plan", JSON: "plan.json", CSV: "plan.csv", Periodicity: "IRREG",
		Fields: []Field{
			{"goal", "text"},
			{"goal_title", "text"},
			{"objective", "text"},
			{"objective_title", "text"},
			{"agid", "list"},
			{"action", "text"},
			{"action_title", "text"},
			{"status", "text"},
			{"progress", "integer"},
			{"owner", "text"},
			{"start", "date"},
			{"due", "date"},
			{"priority_mean", "number"},
			{"priority_count", "integer"},
			{"code", "text"},
			{"objective_code", "text"},
			{"goal_code", "text"},
			{"owners", "list"},
			{"addressees", "list"},
		}},
	{ID: "results", CSV: "results.csv", Periodicity: "IRREG",
		Fields: []Field{
			{"result", "text"},
			{"code", "text"},
			{"title", "text"},
			{"objective", "text"},
			{"owners", "list"},
			{"indicator", "text"},
			{"unit", "text"},
			{"baseline", "number"},
			{"baseline_date", "date"},
			{"row", "text"},
			{"year", "integer"},
			{"date", "date"},
			{"value", "number"},
			{"status", "text"},
			{"as_of", "date"},
		}},
	{ID: "proposals", JSON: "proposals.json", CSV: "proposals.csv", Periodicity: "CONT",
		Fields: []Field{
			{"id", "text"},
			{"url", "url"},
			{"title", "text"},
			{"body", "text"},
			{"status", "text"},
			{"tags", "list"},
			{"targets", "list"},
			{"date", "date"},
			{"answer_date", "date"},
			{"answer_text", "text"},
			{"support", "integer"},
			{"oppose", "integer"},
			{"abstain", "integer"},
			{"priority_mean", "number"},
			{"priority_count", "integer"},
			{"authors", "list"},
			{"taken_up_by", "list"},
			{"feedback", "integer"},
			{"summary", "text"},
			{"source", "url"},
			{"participant", "text"},
			{"supports", "integer"},
			{"threshold", "integer"},
			{"threshold_reached", "date"},
			{"awaiting_answer", "boolean"},
		}},
	{ID: "votes", JSON: "votes.json", CSV: "votes.csv", Periodicity: "CONT",
		Fields: []Field{
			{"item", "text"},
			{"voter", "text"},
			{"vote", "text"},
			{"priority", "integer"},
			{"comment", "text"},
			{"counted", "boolean"},
			{"reason", "text"},
			{"commit", "text"},
			{"author", "text"},
			{"landed", "datetime"},
			{"verification", "text"},
			{"file", "text"},
			{"detail", "text"},
			{"signer", "text"},
			{"landed_commit", "text"},
			{"merge_request", "text"},
			{"member", "text"},
			{"hidden", "boolean"},
			{"moderation", "text"},
			{"moderation_rule", "text"},
			{"moderation_date", "date"},
			{"moderation_reason", "text"},
		}},
	{ID: "participants", JSON: "participants.json", CSV: "participants.csv", Periodicity: "CONT",
		Fields: []Field{
			{"handle", "text"},
			{"name", "text"},
			{"kind", "text"},
			{"municipality", "text"},
			{"registered", "boolean"},
			{"verification", "text"},
			{"url", "url"},
		}},
	{ID: "supports", JSON: "supports.json", CSV: "supports.csv", Periodicity: "CONT",
		Fields: []Field{
			{"item", "text"},
			{"participant", "text"},
			{"comment", "text"},
			{"counted", "boolean"},
			{"reason", "text"},
			{"commit", "text"},
			{"landed", "datetime"},
			{"verification", "text"},
			{"phase", "text"},
			{"file", "text"},
			{"detail", "text"},
			{"landed_commit", "text"},
			{"merge_request", "text"},
		}},
	{ID: "practices", JSON: "practices.json", CSV: "practices.csv", Periodicity: "CONT",
		Fields: []Field{
			{"id", "text"},
			{"url", "url"},
			{"title", "text"},
			{"body", "text"},
			{"kind", "text"},
			{"tags", "list"},
			{"agid", "list"},
			{"date", "date"},
			{"source", "url"},
		}},
	{ID: "bodies", JSON: "bodies.json", CSV: "bodies.csv", Periodicity: "IRREG",
		Fields: []Field{
			{"id", "text"},
			{"url", "url"},
			{"name", "text"},
			{"kind", "text"},
			{"website", "url"},
			{"proposals", "integer"},
			{"practices", "integer"},
			{"votes", "integer"},
			{"leads", "integer"},
			{"co_owns", "integer"},
			{"addressed", "integer"},
			{"leads_results", "integer"},
			{"co_owns_results", "integer"},
		}},
	{ID: "amendments", JSON: "amendments.json", CSV: "amendments.csv", Periodicity: "CONT",
		Fields: []Field{
			{"id", "text"},
			{"item", "text"},
			{"item_code", "text"},
			{"body", "text"},
			{"date", "date"},
			{"state", "text"},
			{"status", "text"},
			{"reason", "text"},
			{"title", "text"},
			{"fields", "list"},
			{"answer_date", "date"},
			{"answer_text", "text"},
			{"answer_body", "text"},
			{"answer_counted", "boolean"},
			{"support", "integer"},
			{"oppose", "integer"},
			{"abstain", "integer"},
			{"counted", "boolean"},
			{"reason_code", "text"},
			{"commit", "text"},
			{"url", "url"},
			{"hidden", "boolean"},
			{"moderation", "text"},
			{"moderation_rule", "text"},
			{"moderation_date", "date"},
			{"moderation_reason", "text"},
		}},
	{ID: "feedback", JSON: "feedback.json", CSV: "feedback.csv", Periodicity: "CONT",
		Fields: []Field{
			{"item", "text"},
			{"id", "text"},
			{"voter", "text"},
			{"title", "text"},
			{"kind", "text"},
			{"date", "date"},
			{"url", "url"},
			{"reply_to", "text"},
			{"paragraph", "text"},
			{"hidden", "boolean"},
			{"moderation", "text"},
			{"moderation_rule", "text"},
			{"moderation_date", "date"},
			{"moderation_reason", "text"},
		}},
	{ID: "versions", JSON: "versions.json", Periodicity: "IRREG",
		Fields: []Field{
			{"version", "text"},
			{"tag", "text"},
			{"date", "datetime"},
			{"commit", "text"},
			{"verified", "boolean"},
			{"url", "url"},
			{"note", "text"},
			{"annotated", "boolean"},
			{"signed", "boolean"},
			{"signer", "text"},
			{"tagger", "text"},
			{"latest", "boolean"},
			{"readable", "boolean"},
			{"previous", "text"},
			{"changes_url", "url"},
			{"data_url", "url"},
			{"changes_data_url", "url"},
		}},
}

// Dataset is one dataset of the open data: a JSON file, a CSV file, or both, under
// /api/v1/. Fields are the CSV's columns in order, or, for a JSON-only dataset, the
// fields of its records.
type Dataset struct {
	ID        string
	JSON, CSV string // file names under api/v1/, "" when not published in that format
	// Periodicity is the code of the EU frequency vocabulary
	// (http://publications.europa.eu/resource/authority/frequency): CONT for data that
	// changes with every contribution, IRREG for the plan's.
	Periodicity string
	Fields      []Field
}

// TitleKey is the key of the dataset's title in the language files.
func (d Dataset) TitleKey() string { return "dataset." + d.ID + ".title" }

// DescriptionKey is the key of the dataset's description in the language files.
func (d Dataset) DescriptionKey() string { return "dataset." + d.ID + ".description" }

// FieldKey is the key of what the field named name holds, in the language files.
func (d Dataset) FieldKey(name string) string { return "dataset." + d.ID + ".field." + name }

// Field is a field of a dataset. Type is one of text, integer, number, boolean, date
// (YYYY-MM-DD), datetime (RFC 3339), url, list (in CSV, joined with " | "); what it
// holds is a string of the language files (Dataset.FieldKey).
type Field struct{ Name, Type string }

// csvColumns returns the columns of the CSV file name of the catalogue, or nil.
func csvColumns(name string) []string {
	for _, d := range Datasets {
		if d.CSV == name {
			cols := make([]string, len(d.Fields))
			for i, f := range d.Fields {
				cols[i] = f.Name
			}
			return cols
		}
	}
	return nil
}

// listSep joins the entries of a list in one CSV cell: never the CSV's separator, so that
// a spreadsheet keeps the list in its column.
const listSep = " | "

// openDataPage is the human page of the open data, in the page's language.
func (r *renderer) openDataPage() ([]byte, error) {
	c := r.Config
	v := &OpenDataView{License: Link{c.License.Name, c.License.URL}, LicenseID: c.License.ID, Archive: r.asset("/" + archiveFile)}
	if u, err := url.Parse(c.BaseURL); err == nil && u.Scheme != "" && u.Host != "" {
		v.Catalog = r.asset("/" + catalogFile)
	}
	for _, d := range Datasets {
		dv := DatasetView{ID: d.ID, Title: r.tr.T(d.TitleKey()), Description: r.tr.T(d.DescriptionKey())}
		if d.JSON != "" {
			dv.Files = append(dv.Files, Link{"JSON", r.asset("/api/v1/" + d.JSON)})
		}
		if d.CSV != "" {
			dv.Files = append(dv.Files, Link{"CSV", r.asset("/api/v1/" + d.CSV)})
		}
		for _, f := range d.Fields {
			dv.Fields = append(dv.Fields, DataFieldView{f.Name, r.tr.T("opendata.type." + f.Type), r.tr.T(d.FieldKey(f.Name))})
		}
		v.Datasets = append(v.Datasets, dv)
	}
	return r.page("opendata", &Page{Title: r.tr.T("opendata.title"), URL: r.link(openDataPath), OpenData: v,
		Breadcrumbs: []Link{{r.tr.T("menu.home"), r.link("/")}}})
}
