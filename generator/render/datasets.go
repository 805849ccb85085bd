package render

import "net/url"

// Datasets is the catalogue of the open data under /api/v1/: the single source of the
// files' names, titles, descriptions and fields for the "Dati aperti" page, the DCAT-AP_IT
// catalogue, the README of the archive and the header of every CSV file. A test checks
// the project's README against it.
var Datasets = []Dataset{
	{ID: "plan", JSON: "plan.json", CSV: "plan.csv", Periodicity: "IRREG",
		Title:       Text{"Piano strategico", "Strategic plan"},
		Description: Text{"Il piano come pubblicato (l'ultima versione approvata, o la bozza): obiettivi strategici, obiettivi operativi, risultati attesi e azioni con avanzamento, responsabili, scadenze e priorità date dagli enti. Il CSV ha una riga per azione.", "The plan as published (the latest approved version, or the draft): goals, objectives, expected results and actions with progress, owners, deadlines and the priorities bodies gave. The CSV has one row per action."},
		Fields: fields(
			"goal", "text", "goal_title", "text", "objective", "text", "objective_title", "text", "agid", "list", "action", "text",
			"action_title", "text", "status", "text", "progress", "integer", "owner", "text", "start", "date", "due", "date",
			"priority_mean", "number", "priority_count", "integer", "code", "text", "objective_code", "text", "goal_code", "text",
			"owners", "list", "addressees", "list")},
	{ID: "results", CSV: "results.csv", Periodicity: "IRREG",
		Title:       Text{"Risultati attesi e indicatori", "Expected results and indicators"},
		Description: Text{"Gli indicatori dei risultati attesi del piano: una riga per obiettivo annuale e per valore misurato, con lo stato dell'indicatore alla data dei dati.", "The indicators of the plan's expected results: one row per yearly target and per measured value, with the indicator's status as of the data's date."},
		Fields: fields(
			"result", "text", "code", "text", "title", "text", "objective", "text", "owners", "list", "indicator", "text", "unit", "text",
			"baseline", "number", "baseline_date", "date", "row", "text", "year", "integer", "date", "date", "value", "number",
			"status", "text", "as_of", "date")},
	{ID: "proposals", JSON: "proposals.json", CSV: "proposals.csv", Periodicity: "CONT",
		Title:       Text{"Proposte", "Proposals"},
		Description: Text{"Le proposte degli enti, con stato, risposta, voti contati e priorità.", "The bodies' proposals, with their status, answer, counted votes and priority."},
		Fields: fields(
			"id", "text", "url", "url", "title", "text", "body", "text", "status", "text", "tags", "list", "targets", "list", "date", "date",
			"answer_date", "date", "answer_text", "text", "support", "integer", "oppose", "integer", "abstain", "integer",
			"priority_mean", "number", "priority_count", "integer", "authors", "list", "taken_up_by", "list", "feedback", "integer",
			"summary", "text", "source", "url")},
	{ID: "votes", JSON: "votes.json", CSV: "votes.csv", Periodicity: "CONT",
		Title:       Text{"Voti e priorità", "Votes and priorities"},
		Description: Text{"Ogni file di reazione (voto e priorità di un ente), contato o no, con il motivo e la verifica dalla storia Git.", "Every reaction file (a body's vote and priority), counted or not, with the reason and its verification from the Git history."},
		Fields: fields(
			"item", "text", "voter", "text", "vote", "text", "priority", "integer", "comment", "text", "counted", "boolean",
			"reason", "text", "commit", "text", "author", "text", "landed", "datetime", "verification", "text", "file", "text",
			"detail", "text", "signer", "text", "landed_commit", "text", "merge_request", "text")},
	{ID: "practices", JSON: "practices.json", CSV: "practices.csv", Periodicity: "CONT",
		Title:       Text{"Buone pratiche", "Good practices"},
		Description: Text{"Le buone pratiche condivise dagli enti: metodologie, esperienze, software, linee guida.", "The good practices bodies share: methodologies, experiences, software, guidelines."},
		Fields: fields(
			"id", "text", "url", "url", "title", "text", "body", "text", "kind", "text", "tags", "list", "agid", "list", "date", "date", "source", "url")},
	{ID: "bodies", JSON: "bodies.json", CSV: "bodies.csv", Periodicity: "IRREG",
		Title:       Text{"Enti", "Public bodies"},
		Description: Text{"Gli enti che partecipano, per codice IPA, con quante proposte, pratiche e voti hanno e quante azioni e risultati guidano, condividono o sono loro rivolti.", "The participating bodies, by IPA code, with how many proposals, practices and votes they have and how many actions and results they lead, co-own or are addressed."},
		Fields: fields(
			"id", "text", "url", "url", "name", "text", "kind", "text", "website", "url", "proposals", "integer", "practices", "integer",
			"votes", "integer", "leads", "integer", "co_owns", "integer", "addressed", "integer", "leads_results", "integer", "co_owns_results", "integer")},
	{ID: "amendments", JSON: "amendments.json", CSV: "amendments.csv", Periodicity: "CONT",
		Title:       Text{"Emendamenti", "Amendments"},
		Description: Text{"Le modifiche proposte dagli enti alle voci del piano, contate o no, con la risposta del titolare e i voti.", "The changes bodies propose to plan items, counted or not, with the owner's answer and the votes."},
		Fields: fields(
			"id", "text", "item", "text", "item_code", "text", "body", "text", "date", "date", "state", "text", "status", "text",
			"reason", "text", "title", "text", "fields", "list", "answer_date", "date", "answer_text", "text", "answer_body", "text",
			"answer_counted", "boolean", "support", "integer", "oppose", "integer", "abstain", "integer", "counted", "boolean",
			"reason_code", "text", "commit", "text", "url", "url")},
	{ID: "feedback", JSON: "feedback.json", CSV: "feedback.csv", Periodicity: "CONT",
		Title:       Text{"Osservazioni", "Feedback"},
		Description: Text{"Le osservazioni scritte dagli enti sulle voci del piano e sulle proposte.", "The feedback bodies write on plan items and proposals."},
		Fields:      fields("item", "text", "id", "text", "voter", "text", "title", "text", "kind", "text", "date", "date", "url", "url")},
	{ID: "versions", JSON: "versions.json", Periodicity: "IRREG",
		Title:       Text{"Versioni del piano", "Plan versions"},
		Description: Text{"Le versioni approvate del piano, dai tag Git, con i collegamenti ai dati di ciascuna e alle sue modifiche.", "The approved versions of the plan, from Git tags, with links to each one's data and changes."},
		Fields: fields(
			"version", "text", "tag", "text", "date", "datetime", "commit", "text", "verified", "boolean", "url", "url", "note", "text",
			"annotated", "boolean", "signed", "boolean", "signer", "text", "tagger", "text", "latest", "boolean", "readable", "boolean",
			"previous", "text", "changes_url", "url", "data_url", "url", "changes_data_url", "url")},
}

// Dataset is one dataset of the open data: a JSON file, a CSV file, or both, under
// /api/v1/. Fields are the CSV's columns in order, or, for a JSON-only dataset, the
// fields of its records.
type Dataset struct {
	ID          string
	JSON, CSV   string // file names under api/v1/, "" when not published in that format
	Title       Text
	Description Text
	// Periodicity is the code of the EU frequency vocabulary
	// (http://publications.europa.eu/resource/authority/frequency): CONT for data that
	// changes with every contribution, IRREG for the plan's.
	Periodicity string
	Fields      []Field
}

// Text is a text in Italian and in English.
type Text struct{ It, En string }

// In returns t in language lang: Italian for "it", English otherwise.
func (t Text) In(lang string) string {
	if lang == "it" {
		return t.It
	}
	return t.En
}

// Field is a field of a dataset. Type is one of text, integer, number, boolean, date
// (YYYY-MM-DD), datetime (RFC 3339), url, list (in CSV, joined with " | ").
type Field struct{ Name, Type string }

func fields(nameType ...string) []Field {
	out := make([]Field, 0, len(nameType)/2)
	for i := 0; i+1 < len(nameType); i += 2 {
		out = append(out, Field{nameType[i], nameType[i+1]})
	}
	return out
}

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
	v := &OpenDataView{License: Link{c.License.Name, c.License.URL}, LicenseID: c.License.ID, Archive: r.asset("/" + ArchiveFile)}
	if u, err := url.Parse(c.BaseURL); err == nil && u.Scheme != "" && u.Host != "" {
		v.Catalog = r.asset("/" + CatalogFile)
	}
	for _, d := range Datasets {
		dv := DatasetView{ID: d.ID, Title: d.Title.In(r.lang), Description: d.Description.In(r.lang)}
		if d.JSON != "" {
			dv.Files = append(dv.Files, Link{"JSON", r.asset("/api/v1/" + d.JSON)})
		}
		if d.CSV != "" {
			dv.Files = append(dv.Files, Link{"CSV", r.asset("/api/v1/" + d.CSV)})
		}
		for _, f := range d.Fields {
			dv.Fields = append(dv.Fields, DataFieldView{f.Name, r.tr.T("opendata.type." + f.Type)})
		}
		v.Datasets = append(v.Datasets, dv)
	}
	return r.page("opendata", &Page{Title: r.tr.T("opendata.title"), URL: r.link(OpenDataPage), OpenData: v,
		Breadcrumbs: []Link{{r.tr.T("menu.home"), r.link("/")}}})
}
