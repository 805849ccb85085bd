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
		Fields: []Field{
			f("goal", "text", "id dell'obiettivo strategico", "the goal's id"),
			f("goal_title", "text", "titolo dell'obiettivo strategico", "the goal's title"),
			f("objective", "text", "id dell'obiettivo operativo", "the objective's id"),
			f("objective_title", "text", "titolo dell'obiettivo operativo", "the objective's title"),
			f("agid", "list", "codici degli obiettivi del Piano triennale AgID serviti", "codes of the AgID three-year plan objectives it serves"),
			f("action", "text", "id dell'azione", "the action's id"),
			f("action_title", "text", "titolo dell'azione", "the action's title"),
			f("status", "text", "stato dell'azione", "the action's status"),
			f("progress", "integer", "avanzamento, in percentuale", "progress, in percent"),
			f("owner", "text", "ente capofila (codice IPA)", "the lead body (IPA code)"),
			f("start", "date", "data di inizio", "start date"),
			f("due", "date", "scadenza", "deadline"),
			f("priority_mean", "number", "priorità media data dagli enti (1-5)", "mean priority bodies gave (1-5)"),
			f("priority_count", "integer", "quanti enti hanno dato una priorità", "how many bodies gave a priority"),
			f("code", "text", "codice ufficiale dell'azione, se c'è", "the action's official code, if any"),
			f("objective_code", "text", "codice ufficiale dell'obiettivo operativo", "the objective's official code"),
			f("goal_code", "text", "codice ufficiale dell'obiettivo strategico", "the goal's official code"),
			f("owners", "list", "tutti gli enti titolari, il capofila per primo", "every owner body, the lead first"),
			f("addressees", "list", "a chi è rivolta: enti, tipi di ente, all", "whom it is addressed to: bodies, kinds of body, all"),
		}},
	{ID: "results", CSV: "results.csv", Periodicity: "IRREG",
		Title:       Text{"Risultati attesi e indicatori", "Expected results and indicators"},
		Description: Text{"Gli indicatori dei risultati attesi del piano: una riga per obiettivo annuale e per valore misurato, con lo stato dell'indicatore alla data dei dati.", "The indicators of the plan's expected results: one row per yearly target and per measured value, with the indicator's status as of the data's date."},
		Fields: []Field{
			f("result", "text", "id del risultato atteso", "the expected result's id"),
			f("code", "text", "codice ufficiale", "official code"),
			f("title", "text", "titolo", "title"),
			f("objective", "text", "id dell'obiettivo operativo", "the objective's id"),
			f("owners", "list", "enti titolari", "owner bodies"),
			f("indicator", "text", "nome dell'indicatore", "the indicator's name"),
			f("unit", "text", "unità di misura", "unit"),
			f("baseline", "number", "valore di partenza", "baseline value"),
			f("baseline_date", "date", "data del valore di partenza", "date of the baseline"),
			f("row", "text", "tipo di riga: target, value o indicator", "kind of row: target, value or indicator"),
			f("year", "integer", "anno dell'obiettivo annuale", "year of a yearly target"),
			f("date", "date", "scadenza dell'obiettivo o data del valore", "the target's deadline or the value's date"),
			f("value", "number", "valore", "value"),
			f("status", "text", "stato dell'indicatore: met, on-track, behind, no-data", "the indicator's status: met, on-track, behind, no-data"),
			f("as_of", "date", "data a cui lo stato è misurato", "date the status is measured at"),
		}},
	{ID: "proposals", JSON: "proposals.json", CSV: "proposals.csv", Periodicity: "CONT",
		Title:       Text{"Proposte", "Proposals"},
		Description: Text{"Le proposte degli enti, con stato, risposta, voti contati e priorità.", "The bodies' proposals, with their status, answer, counted votes and priority."},
		Fields: []Field{
			f("id", "text", "identificativo", "id"),
			f("url", "url", "pagina della proposta", "the proposal's page"),
			f("title", "text", "titolo", "title"),
			f("body", "text", "ente proponente (codice IPA)", "proposing body (IPA code)"),
			f("status", "text", "stato", "status"),
			f("tags", "list", "etichette", "tags"),
			f("targets", "list", "voci del piano a cui si riferisce", "plan items it refers to"),
			f("date", "date", "data", "date"),
			f("answer_date", "date", "data della risposta ufficiale", "date of the official answer"),
			f("answer_text", "text", "testo della risposta ufficiale", "text of the official answer"),
			f("support", "integer", "voti favorevoli contati", "counted votes in support"),
			f("oppose", "integer", "voti contrari contati", "counted votes against"),
			f("abstain", "integer", "astensioni contate", "counted abstentions"),
			f("priority_mean", "number", "priorità media (1-5)", "mean priority (1-5)"),
			f("priority_count", "integer", "quante priorità", "how many priorities"),
			f("authors", "list", "autori", "authors"),
			f("taken_up_by", "list", "azioni che la recepiscono", "actions that take it up"),
			f("feedback", "integer", "numero di osservazioni", "number of feedback"),
			f("summary", "text", "sintesi del testo", "summary of the text"),
			f("source", "url", "repository di origine, per una proposta di un altro portale", "source repository, for a proposal from another portal"),
		}},
	{ID: "votes", JSON: "votes.json", CSV: "votes.csv", Periodicity: "CONT",
		Title:       Text{"Voti e priorità", "Votes and priorities"},
		Description: Text{"Ogni file di reazione (voto e priorità di un ente), contato o no, con il motivo e la verifica dalla storia Git.", "Every reaction file (a body's vote and priority), counted or not, with the reason and its verification from the Git history."},
		Fields: []Field{
			f("item", "text", "voce votata (<sezione>/<id>)", "the item voted on (<section>/<id>)"),
			f("voter", "text", "ente votante (codice IPA)", "voting body (IPA code)"),
			f("vote", "text", "support, oppose, abstain o vuoto", "support, oppose, abstain or empty"),
			f("priority", "integer", "priorità (1-5) o vuoto", "priority (1-5) or empty"),
			f("comment", "text", "commento", "comment"),
			f("counted", "boolean", "se il voto è contato", "whether the vote counts"),
			f("reason", "text", "perché non è contato (vuoto se contato)", "why it does not count (empty when counted)"),
			f("commit", "text", "commit Git che ha modificato il file", "Git commit that changed the file"),
			f("author", "text", "e-mail dell'autore del commit, solo con open_data.personal (altrimenti vuoto)", "the commit author's e-mail, only with open_data.personal (else empty)"),
			f("landed", "datetime", "quando è entrato nel ramo principale", "when it landed on the main branch"),
			f("verification", "text", "come è stato verificato: author, signature, none", "how it was verified: author, signature, none"),
			f("file", "text", "file del voto", "the vote's file"),
			f("detail", "text", "spiegazione in una frase", "explanation in a sentence"),
			f("signer", "text", "impronta della chiave che ne garantisce la provenienza; con la regola author, l'e-mail del membro solo con open_data.personal", "fingerprint of the key that vouched for it; under the author policy, the member's e-mail only with open_data.personal"),
			f("landed_commit", "text", "commit del ramo principale con cui è entrato", "main-branch commit it landed with"),
			f("merge_request", "text", "merge request che lo ha portato", "merge request that landed it"),
			f("member", "text", "chi ha garantito un voto contato, come lo dichiara l'ente: nome e ruolo", "who vouched for a counted vote, as the body declares them: name and role"),
			f("hidden", "boolean", "se la moderazione lo nasconde (il testo è allora vuoto)", "whether a moderation hides it (its text is then empty)"),
			f("moderation", "text", "identificativo della decisione di moderazione, o vuoto", "id of the moderation decision, or empty"),
			f("moderation_rule", "text", "regola violata secondo la moderazione", "the rule broken, as the moderation says"),
			f("moderation_date", "date", "data della decisione di moderazione", "date of the moderation decision"),
			f("moderation_reason", "text", "motivo della decisione di moderazione", "reason of the moderation decision"),
		}},
	{ID: "practices", JSON: "practices.json", CSV: "practices.csv", Periodicity: "CONT",
		Title:       Text{"Buone pratiche", "Good practices"},
		Description: Text{"Le buone pratiche condivise dagli enti: metodologie, esperienze, software, linee guida.", "The good practices bodies share: methodologies, experiences, software, guidelines."},
		Fields: []Field{
			f("id", "text", "identificativo", "id"),
			f("url", "url", "pagina della pratica", "the practice's page"),
			f("title", "text", "titolo", "title"),
			f("body", "text", "ente (codice IPA)", "body (IPA code)"),
			f("kind", "text", "tipo di pratica", "kind of practice"),
			f("tags", "list", "etichette", "tags"),
			f("agid", "list", "codici del Piano triennale AgID", "AgID three-year plan codes"),
			f("date", "date", "data", "date"),
			f("source", "url", "repository di origine (vuoto per le pratiche del portale)", "source repository (empty for the portal's own)"),
		}},
	{ID: "bodies", JSON: "bodies.json", CSV: "bodies.csv", Periodicity: "IRREG",
		Title:       Text{"Enti", "Public bodies"},
		Description: Text{"Gli enti che partecipano, per codice IPA, con quante proposte, pratiche e voti hanno e quante azioni e risultati guidano, condividono o sono loro rivolti.", "The participating bodies, by IPA code, with how many proposals, practices and votes they have and how many actions and results they lead, co-own or are addressed."},
		Fields: []Field{
			f("id", "text", "codice IPA", "IPA code"),
			f("url", "url", "pagina dell'ente", "the body's page"),
			f("name", "text", "nome", "name"),
			f("kind", "text", "tipo di ente", "kind of body"),
			f("website", "url", "sito web", "website"),
			f("proposals", "integer", "numero di proposte", "number of proposals"),
			f("practices", "integer", "numero di pratiche", "number of practices"),
			f("votes", "integer", "numero di voti", "number of votes"),
			f("leads", "integer", "azioni di cui è capofila", "actions it leads"),
			f("co_owns", "integer", "azioni di cui è co-titolare", "actions it co-owns"),
			f("addressed", "integer", "azioni rivolte all'ente", "actions addressed to it"),
			f("leads_results", "integer", "risultati attesi di cui è capofila", "expected results it leads"),
			f("co_owns_results", "integer", "risultati attesi di cui è co-titolare", "expected results it co-owns"),
		}},
	{ID: "amendments", JSON: "amendments.json", CSV: "amendments.csv", Periodicity: "CONT",
		Title:       Text{"Emendamenti", "Amendments"},
		Description: Text{"Le modifiche proposte dagli enti alle voci del piano, contate o no, con la risposta del titolare e i voti.", "The changes bodies propose to plan items, counted or not, with the owner's answer and the votes."},
		Fields: []Field{
			f("id", "text", "identificativo (<ente>-<slug>)", "id (<body>-<slug>)"),
			f("item", "text", "voce emendata (<sezione>/<id>)", "amended item (<section>/<id>)"),
			f("item_code", "text", "codice ufficiale della voce", "the item's official code"),
			f("body", "text", "ente proponente", "proposing body"),
			f("date", "date", "data", "date"),
			f("state", "text", "stato come scritto", "state as written"),
			f("status", "text", "stato (superseded se la voce è cambiata)", "status (superseded when the item changed)"),
			f("reason", "text", "motivazione della modifica", "why the change is proposed"),
			f("title", "text", "titolo proposto", "proposed title"),
			f("fields", "list", "campi modificati, nome=valore", "changed fields, name=value"),
			f("answer_date", "date", "data della risposta del titolare", "date of the owner's answer"),
			f("answer_text", "text", "testo della risposta", "text of the answer"),
			f("answer_body", "text", "ente che risponde", "answering body"),
			f("answer_counted", "boolean", "se la risposta è contata", "whether the answer counts"),
			f("support", "integer", "voti favorevoli contati", "counted votes in support"),
			f("oppose", "integer", "voti contrari contati", "counted votes against"),
			f("abstain", "integer", "astensioni contate", "counted abstentions"),
			f("counted", "boolean", "se l'emendamento è contato", "whether the amendment counts"),
			f("reason_code", "text", "perché non è contato", "why it does not count"),
			f("commit", "text", "commit Git", "Git commit"),
			f("url", "url", "collegamento sulla pagina della voce", "link on the item's page"),
			f("hidden", "boolean", "se la moderazione lo nasconde (il testo è allora vuoto)", "whether a moderation hides it (its text is then empty)"),
			f("moderation", "text", "identificativo della decisione di moderazione, o vuoto", "id of the moderation decision, or empty"),
			f("moderation_rule", "text", "regola violata secondo la moderazione", "the rule broken, as the moderation says"),
			f("moderation_date", "date", "data della decisione di moderazione", "date of the moderation decision"),
			f("moderation_reason", "text", "motivo della decisione di moderazione", "reason of the moderation decision"),
		}},
	{ID: "feedback", JSON: "feedback.json", CSV: "feedback.csv", Periodicity: "CONT",
		Title:       Text{"Osservazioni", "Feedback"},
		Description: Text{"Le osservazioni scritte dagli enti sulle voci del piano e sulle proposte.", "The feedback bodies write on plan items and proposals."},
		Fields: []Field{
			f("item", "text", "voce commentata", "the item commented on"),
			f("id", "text", "identificativo", "id"),
			f("voter", "text", "ente (codice IPA)", "body (IPA code)"),
			f("title", "text", "titolo", "title"),
			f("kind", "text", "tipo di osservazione", "kind of feedback"),
			f("date", "date", "data", "date"),
			f("url", "url", "collegamento", "link"),
			f("hidden", "boolean", "se la moderazione lo nasconde (il testo è allora vuoto)", "whether a moderation hides it (its text is then empty)"),
			f("moderation", "text", "identificativo della decisione di moderazione, o vuoto", "id of the moderation decision, or empty"),
			f("moderation_rule", "text", "regola violata secondo la moderazione", "the rule broken, as the moderation says"),
			f("moderation_date", "date", "data della decisione di moderazione", "date of the moderation decision"),
			f("moderation_reason", "text", "motivo della decisione di moderazione", "reason of the moderation decision"),
		}},
	{ID: "versions", JSON: "versions.json", Periodicity: "IRREG",
		Title:       Text{"Versioni del piano", "Plan versions"},
		Description: Text{"Le versioni approvate del piano, dai tag Git, con i collegamenti ai dati di ciascuna e alle sue modifiche.", "The approved versions of the plan, from Git tags, with links to each one's data and changes."},
		Fields: []Field{
			f("version", "text", "nome della versione", "the version's name"),
			f("tag", "text", "tag Git", "Git tag"),
			f("date", "datetime", "data di prima pubblicazione", "date first published"),
			f("commit", "text", "commit", "commit"),
			f("verified", "boolean", "firmata da un membro dell'ente titolare", "signed by a member of the owner body"),
			f("url", "url", "pagina della versione", "the version's page"),
			f("note", "text", "messaggio del tag", "the tag's message"),
			f("annotated", "boolean", "tag annotato", "annotated tag"),
			f("signed", "boolean", "tag firmato", "signed tag"),
			f("signer", "text", "firmatario", "signer"),
			f("tagger", "text", "autore del tag", "the tagger"),
			f("latest", "boolean", "se è l'ultima", "whether it is the latest"),
			f("readable", "boolean", "se si può leggere", "whether it can be read"),
			f("previous", "text", "versione precedente", "previous version"),
			f("changes_url", "url", "pagina delle modifiche", "the changes page"),
			f("data_url", "url", "dati della versione", "the version's data"),
			f("changes_data_url", "url", "dati delle modifiche", "the changes' data"),
		}},
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
// (YYYY-MM-DD), datetime (RFC 3339), url, list (in CSV, joined with " | "); Meaning says
// what it holds.
type Field struct {
	Name, Type string
	Meaning    Text
}

func f(name, typ, it, en string) Field { return Field{name, typ, Text{it, en}} }

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
		dv := DatasetView{ID: d.ID, Title: d.Title.In(r.lang), Description: d.Description.In(r.lang)}
		if d.JSON != "" {
			dv.Files = append(dv.Files, Link{"JSON", r.asset("/api/v1/" + d.JSON)})
		}
		if d.CSV != "" {
			dv.Files = append(dv.Files, Link{"CSV", r.asset("/api/v1/" + d.CSV)})
		}
		for _, f := range d.Fields {
			dv.Fields = append(dv.Fields, DataFieldView{f.Name, r.tr.T("opendata.type." + f.Type), f.Meaning.In(r.lang)})
		}
		v.Datasets = append(v.Datasets, dv)
	}
	return r.page("opendata", &Page{Title: r.tr.T("opendata.title"), URL: r.link(openDataPath), OpenData: v,
		Breadcrumbs: []Link{{r.tr.T("menu.home"), r.link("/")}}})
}
