package synth

import "strings"

// The vocabulary is kept in constants, one entry a line, so that it cannot be
// changed at run time; newVocab splits it once per Generate call.

const openersText = `In questo contesto,
Per questa ragione,
Allo stesso tempo,
Nel corso del 2025,
Sulla base dell'esperienza maturata,
In linea con le indicazioni di AgID,
Come previsto dal Piano triennale,
A partire dal prossimo esercizio,
In una prima fase,
In prospettiva,
Di conseguenza,
Inoltre,
Parallelamente,
In particolare,
Nei territori più piccoli,
Grazie alle risorse del PNRR,
Compatibilmente con i vincoli di bilancio,
Secondo le rilevazioni più recenti,
Dopo una prima ricognizione,
Come emerso negli incontri con gli stakeholder,
Per evitare duplicazioni,
Nel rispetto del principio once only,
Con un approccio graduale,
Al termine della sperimentazione,
In assenza di un coordinamento centrale,
Anche alla luce delle modifiche al Codice dell'amministrazione digitale,`

const subjectsText = `l'amministrazione comunale
l'ente proponente
la Regione
la direzione dei sistemi informativi
il responsabile per la transizione al digitale
l'ufficio per la transizione digitale
il gruppo di lavoro interistituzionale
la cabina di regia regionale
il Ministero
ogni ente aderente
la rete dei comuni
l'unione dei comuni
la città metropolitana
l'azienda sanitaria
l'università
il servizio statistico
l'area tributi
lo sportello unico per le attività produttive
il centro servizi territoriale
l'osservatorio regionale sull'innovazione
la struttura di missione
il comitato tecnico
l'ufficio anagrafe
il settore appalti
la polizia locale
il nodo regionale dei pagamenti
l'agenzia
il dipartimento delle finanze
la provincia
l'ufficio relazioni con il pubblico`

const pluralSubjectsText = `i comuni con meno di 5.000 abitanti
gli enti locali
le amministrazioni centrali
le regioni del Mezzogiorno
gli uffici tecnici
i responsabili della protezione dei dati
le aziende sanitarie
gli sportelli al cittadino
le unioni dei comuni
i dirigenti dei servizi informativi
le scuole del territorio
gli atenei
le società in house
i partner del progetto
i piccoli comuni montani`

// verbsText pairs the singular and the plural form of each verb.
const verbsText = `intende promuovere|intendono promuovere
propone di avviare|propongono di avviare
ha già sperimentato|hanno già sperimentato
ritiene prioritario rafforzare|ritengono prioritario rafforzare
chiede di sostenere|chiedono di sostenere
si impegna a garantire|si impegnano a garantire
potrebbe estendere|potrebbero estendere
dovrebbe favorire|dovrebbero favorire
ha avviato|hanno avviato
sta completando|stanno completando
prevede di consolidare|prevedono di consolidare
suggerisce di semplificare|suggeriscono di semplificare
considera essenziale|considerano essenziale
intende mettere a disposizione|intendono mettere a disposizione
propone di finanziare|propongono di finanziare
ha già adottato|hanno già adottato
sollecita|sollecitano
valuta positivamente|valutano positivamente
punta a rafforzare|puntano a rafforzare
ha individuato come priorità|hanno individuato come priorità
si propone di accelerare|si propongono di accelerare
vorrebbe sperimentare|vorrebbero sperimentare
potrà coordinare|potranno coordinare
ha chiesto di includere nel piano|hanno chiesto di includere nel piano
intende monitorare|intendono monitorare
auspica|auspicano
sostiene|sostengono
si candida a guidare|si candidano a guidare
ha finanziato|hanno finanziato
raccomanda di potenziare|raccomandano di potenziare`

const objectsText = `l'adozione di SPID e CIE per l'accesso a tutti i servizi online
la migrazione dei sistemi gestionali verso il cloud qualificato
l'integrazione dei pagamenti con la piattaforma pagoPA
l'invio delle comunicazioni ai cittadini tramite l'app IO
la pubblicazione di API documentate sulla Piattaforma Digitale Nazionale Dati
il censimento completo delle basi di dati dell'ente
la formazione digitale del personale amministrativo
un catalogo condiviso dei servizi online
la digitalizzazione dei procedimenti dello sportello unico
la conservazione a norma dei documenti informatici
la gestione documentale interamente digitale
l'apertura dei dati sui contratti pubblici
un sistema di monitoraggio dei tempi dei procedimenti
la qualità dei dati anagrafici nell'ANPR
la riduzione dei moduli cartacei ancora in uso
l'accessibilità dei siti istituzionali
un modello comune per i siti dei comuni
il riuso delle soluzioni già sviluppate da altri enti
la sicurezza informatica delle infrastrutture critiche
un presidio territoriale per l'assistenza digitale ai cittadini
i punti di facilitazione digitale nelle biblioteche
la fascicolazione elettronica delle pratiche edilizie
la notifica digitale degli atti tramite la piattaforma SEND
l'interoperabilità tra i sistemi tributari locali e nazionali
la condivisione dei dati catastali con i comuni
un cruscotto pubblico degli indicatori del piano
la dematerializzazione delle procedure di gara
l'uso del fascicolo sanitario elettronico da parte dei medici
la telemedicina nelle aree interne
un servizio di prenotazione online unificato
la razionalizzazione dei data center locali
la misurazione della soddisfazione degli utenti
la co-progettazione dei servizi con le associazioni
una comunità di pratica tra responsabili per la transizione digitale
la revisione dei contratti di assistenza software
l'adozione di software open source nelle scuole
la pubblicazione del codice sorgente su Developers Italia
un registro unico dei trattamenti di dati personali
la valutazione d'impatto sulla protezione dei dati
la continuità operativa dei servizi essenziali
le competenze del personale in materia di cybersicurezza
la standardizzazione dei tracciati per lo scambio di dati
l'anagrafe unica dei beni immobili pubblici
la digitalizzazione degli archivi storici
un punto di accesso unico per le imprese
il monitoraggio della spesa ICT
l'acquisto centralizzato di licenze e servizi cloud
la semplificazione del linguaggio nei moduli online
la firma digitale remota per tutti i dirigenti
la trasparenza sui tempi di pagamento delle fatture
la banda ultralarga nelle sedi periferiche
l'adozione del domicilio digitale da parte delle imprese
il cruscotto dei dati territoriali
la georeferenziazione dei servizi comunali
un servizio di assistenza via chat per i cittadini
l'automazione dei controlli sulle autocertificazioni
la gestione digitale delle sanzioni amministrative
un archivio condiviso delle buone pratiche
la rilevazione periodica della maturità digitale degli enti
la dismissione delle applicazioni obsolete
un sistema di identità digitale per i dipendenti pubblici
la revisione dei processi prima della loro digitalizzazione
i servizi di welfare digitale per le famiglie
la riscossione delle entrate tramite avvisi digitali
la collaborazione con le università del territorio
la sperimentazione dell'intelligenza artificiale nei servizi al pubblico
la raccolta di segnalazioni georeferenziate dai cittadini
l'aggiornamento del piano di sicurezza informatica
l'uso di un'unica piattaforma per i concorsi pubblici
la gestione telematica delle istanze di contributo`

const complementsText = `entro la fine del 2026
in coerenza con il Piano triennale per l'informatica nella PA
con il supporto dei fondi del PNRR
riducendo i tempi medi di risposta ai cittadini
senza costi aggiuntivi per gli enti più piccoli
secondo le linee guida di AgID
attraverso un accordo tra amministrazioni
coinvolgendo fin dall'inizio gli utenti finali
con un investimento stimato di {n} mila euro
in tutti i comuni della provincia
a partire dai servizi più richiesti
nel rispetto del Regolamento generale sulla protezione dei dati
con obiettivi misurabili e verificabili
evitando il lock-in tecnologico
grazie a un modello di governance condiviso
con il coinvolgimento delle associazioni di categoria
in collaborazione con il Dipartimento per la trasformazione digitale
mediante soluzioni aperte e riusabili
per almeno {n} servizi entro dodici mesi
con una sperimentazione limitata a tre enti pilota
nell'ambito dell'agenda digitale regionale
riducendo il ricorso alla carta
semplificando il lavoro degli operatori
in modo da garantire la continuità dei servizi
con tempi certi per ciascuna fase
prevedendo un monitoraggio semestrale
con particolare attenzione alle persone con disabilità
anche nelle aree interne e montane
a beneficio di cittadini e imprese
sulla base di un'analisi dei fabbisogni
tramite un accordo quadro nazionale
in piena interoperabilità con le piattaforme nazionali
con il supporto tecnico della società in house regionale
valorizzando le competenze già presenti negli enti
per ridurre i costi di gestione di circa il {n} per cento
entro diciotto mesi dall'approvazione del piano
senza modificare l'assetto organizzativo esistente
con una spesa sostenibile nel medio periodo
seguendo il principio digital first
documentando ogni passaggio in modo trasparente
a supporto delle politiche di coesione
nel quadro della strategia Cloud Italia
attraverso bandi dedicati ai comuni
con la partecipazione attiva delle scuole
rendendo i dati disponibili in formato aperto
per superare la frammentazione attuale
a costo zero per i cittadini
nel rispetto delle norme sull'accessibilità
con un referente unico per ogni ente
prima dell'avvio del nuovo ciclo di programmazione`

const contextText = `Oggi molti procedimenti richiedono ancora la presenza fisica del cittadino allo sportello.
Le banche dati dei diversi uffici non dialogano tra loro e gli stessi dati vengono richiesti più volte.
Negli ultimi tre anni le richieste di assistenza sono aumentate del {n} per cento.
La carenza di personale tecnico rende difficile mantenere i sistemi aggiornati.
Una parte consistente della spesa informatica è assorbita dalla manutenzione di applicazioni obsolete.
I cittadini segnalano tempi di attesa lunghi e informazioni spesso incomplete.
I piccoli comuni faticano a partecipare ai bandi per la digitalizzazione.
Il quadro normativo è cambiato rapidamente e gli uffici chiedono indicazioni operative chiare.
La pandemia ha accelerato l'uso dei servizi online, ma non tutti gli enti erano preparati.
Solo il {n} per cento dei servizi comunali è oggi completamente digitale.
Le imprese lamentano la moltiplicazione di portali e di credenziali diverse.
Molti dati utili alla programmazione esistono, ma non sono pubblicati né documentati.
Le competenze digitali del personale sono distribuite in modo molto disomogeneo.
Gli attacchi informatici contro le amministrazioni locali sono in costante aumento.
La gestione dei contratti ICT è frammentata tra numerosi fornitori.
Gli archivi cartacei occupano spazi significativi e sono difficili da consultare.
La posta elettronica certificata resta il canale prevalente anche dove esistono strumenti più efficienti.
Le segnalazioni dei cittadini arrivano attraverso canali diversi e non vengono tracciate.
La popolazione anziana incontra difficoltà nell'uso delle credenziali digitali.
I sistemi di pagamento non sono sempre integrati con la contabilità dell'ente.
La qualità dei dati anagrafici e catastali varia molto da territorio a territorio.
Le strutture sanitarie usano applicativi diversi che non condividono le informazioni cliniche.
Le scuole dispongono di dotazioni tecnologiche ma di poco supporto tecnico.
Il monitoraggio degli interventi avviene spesso su fogli di calcolo non condivisi.
Le informazioni sui tempi dei procedimenti non sono pubblicate in modo uniforme.`

const proposalText = `La proposta prevede tre fasi: analisi, sperimentazione ed estensione a tutti gli enti aderenti.
Ogni ente nominerà un referente che seguirà l'attuazione e riferirà al gruppo di coordinamento.
Il progetto pilota durerà sei mesi e riguarderà un numero limitato di servizi ad alto impatto.
Le soluzioni sviluppate saranno rilasciate con licenza aperta e pubblicate nel catalogo del riuso.
Si propone di definire un insieme minimo di indicatori da misurare ogni semestre.
La piattaforma sarà ospitata su un'infrastruttura cloud qualificata.
Il finanziamento potrà provenire in parte da fondi europei e in parte da risorse regionali.
Al termine di ogni fase è prevista una verifica pubblica dei risultati.
La formazione del personale sarà organizzata in moduli brevi e fruibili a distanza.
I requisiti saranno raccolti attraverso interviste con gli operatori e con gli utenti.
Si chiede che il piano riconosca questa attività come azione prioritaria.
La governance sarà affidata a un comitato composto dai rappresentanti degli enti coinvolti.
Le specifiche tecniche saranno condivise prima dell'avvio delle procedure di acquisto.
Il servizio sarà progettato a partire dai bisogni reali delle persone.
La proposta non richiede modifiche normative e può essere avviata subito.
Per i comuni più piccoli si prevede un servizio di accompagnamento dedicato.
I dati raccolti saranno pubblicati in formato aperto con cadenza trimestrale.
La soluzione dovrà integrarsi con i sistemi già in uso senza interrompere l'operatività.
Si propone inoltre di creare una comunità di pratica tra gli enti partecipanti.
L'intervento sarà accompagnato da una campagna di comunicazione rivolta ai cittadini.
Il costo complessivo stimato è di circa {n} mila euro nel triennio.
Le attività saranno coordinate con le iniziative già avviate a livello nazionale.
Ogni rilascio sarà preceduto da test di usabilità con gruppi di utenti.
Il modello organizzativo potrà essere replicato in altre regioni.
Si prevede di coinvolgere le associazioni dei consumatori nella fase di valutazione.`

const benefitsText = `I cittadini potranno completare la pratica in pochi minuti, senza recarsi allo sportello.
Gli uffici recupereranno tempo oggi dedicato ad attività ripetitive.
Si stima una riduzione dei tempi medi dei procedimenti di circa il {n} per cento.
La qualità dei dati migliorerà grazie ai controlli automatici.
Gli enti più piccoli potranno offrire servizi paragonabili a quelli delle grandi città.
La spesa per licenze e manutenzione diminuirà nel medio periodo.
Le decisioni potranno basarsi su dati aggiornati e confrontabili.
Il rischio di incidenti informatici sarà ridotto in modo significativo.
Le imprese avranno un unico punto di accesso per tutte le pratiche.
Il lavoro degli operatori sarà più semplice e meno esposto a errori.
La trasparenza dell'azione amministrativa ne risulterà rafforzata.
Aumenterà la fiducia dei cittadini nei servizi pubblici digitali.
Le soluzioni realizzate resteranno a disposizione di tutte le amministrazioni.
Il consumo di carta si ridurrà di oltre {n} mila fogli all'anno.
Si ridurranno gli spostamenti verso gli uffici, con benefici anche ambientali.
Le persone con disabilità potranno accedere ai servizi in autonomia.
La collaborazione tra enti diventerà una pratica stabile e non occasionale.
Sarà possibile misurare in modo oggettivo l'avanzamento del piano.
La gestione delle emergenze potrà contare su informazioni tempestive.
Gli investimenti saranno più coordinati e meno soggetti a duplicazioni.
Il personale acquisirà competenze spendibili anche in altri progetti.
La relazione tra amministrazione e territorio sarà più diretta.
I tempi di pagamento ai fornitori diventeranno più prevedibili.
Gli utenti potranno seguire lo stato della propria pratica in tempo reale.
Il patrimonio informativo pubblico sarà finalmente valorizzato.`

const bulletsText = `censimento dei servizi online esistenti e del loro livello di utilizzo
definizione di un modello dati comune
integrazione con SPID, CIE e pagoPA
formazione di almeno due referenti per ente
pubblicazione delle API sul catalogo nazionale
sperimentazione in tre enti pilota
valutazione dei risultati con indicatori condivisi
estensione progressiva a tutti gli enti aderenti
revisione dei moduli con un linguaggio semplice
assistenza telefonica e via chat per gli utenti
migrazione dei dati storici
dismissione dei sistemi non più utilizzati
pubblicazione trimestrale dei dati in formato aperto
analisi dei rischi e piano di sicurezza
verifica dell'accessibilità con utenti reali
accordo di collaborazione tra gli enti
nomina di un coordinatore tecnico
rilascio del codice con licenza aperta
raccolta dei requisiti con gli operatori degli sportelli
campagna informativa rivolta ai cittadini
monitoraggio dei tempi di risposta
definizione dei livelli di servizio
acquisto centralizzato delle licenze
supporto ai comuni sotto i 5.000 abitanti
questionario di soddisfazione al termine di ogni servizio
documentazione tecnica pubblica e aggiornata
piano di continuità operativa
integrazione con il protocollo informatico
conservazione a norma dei documenti prodotti
test di carico prima della messa in esercizio
riuso delle componenti già disponibili
tavolo periodico con le associazioni di categoria
cruscotto di avanzamento consultabile online
revisione annuale degli obiettivi
condivisione dei risultati con la comunità di pratica
valutazione d'impatto sulla protezione dei dati
adeguamento dei contratti con i fornitori
coinvolgimento delle biblioteche come punti di facilitazione
gestione delle segnalazioni in un unico sistema
rendicontazione pubblica della spesa`

const titleHeadsText = `Piattaforma unica per
Servizio condiviso per
Rete regionale per
Programma di accompagnamento per
Sportello digitale per
Linee guida comuni per
Cruscotto pubblico per
Laboratorio territoriale per
Accordo tra enti per
Progetto pilota per
Catalogo condiviso per
Fondo di rotazione per
Centro di competenza per
Strumenti aperti per
Un modello nazionale per
Percorso formativo per
Standard comuni per
Comunità di pratica per
Osservatorio permanente per
Piano straordinario per`

const topicsText = `la gestione documentale
i pagamenti digitali
l'accesso ai servizi online
la conservazione digitale
i dati aperti
l'assistenza ai cittadini
la cybersicurezza dei comuni
il riuso del software
la sanità territoriale
le pratiche edilizie
i tributi locali
la scuola digitale
le imprese del territorio
le aree interne
l'interoperabilità dei sistemi
le competenze digitali
l'accessibilità dei siti
la migrazione al cloud
la notifica degli atti
il fascicolo del cittadino
la trasparenza degli appalti
i servizi sociali
la mobilità sostenibile
la protezione civile
la gestione del personale
le biblioteche digitali
i servizi demografici
il turismo
la partecipazione civica
la misurazione delle performance
l'intelligenza artificiale nella PA
il catasto e il territorio
la riscossione delle entrate
la firma digitale
le segnalazioni dei cittadini
l'identità digitale
i bandi e i contributi
l'archivio storico
il welfare locale
la formazione dei dipendenti`

const titleTailsText = `nei piccoli comuni
a livello provinciale
entro il 2026
nelle aree montane
con software aperto
tra Stato e regioni
per cittadini e imprese
nel Mezzogiorno
in forma associata
nelle città metropolitane
senza costi per gli enti
nelle isole minori`

const goalTitlesText = `Servizi digitali semplici e accessibili per tutti
Dati pubblici di qualità e interoperabili
Infrastrutture sicure e sostenibili
Competenze digitali diffuse nella pubblica amministrazione
Una pubblica amministrazione aperta e trasparente
Territori connessi e inclusivi
Sanità digitale vicina alle persone
Meno adempimenti e più servizi per le imprese
Cybersicurezza come bene comune
Innovazione aperta e riuso
Governance condivisa della trasformazione digitale
Sostenibilità ambientale del digitale pubblico`

const objectiveVerbsText = `Rafforzare
Diffondere
Migliorare
Semplificare
Garantire
Estendere
Consolidare
Misurare
Rendere accessibili
Innovare
Integrare
Valorizzare`

const actionVerbsText = `Realizzare
Avviare
Completare
Sostenere
Sperimentare
Estendere
Rafforzare
Pianificare`

const linksText = `Piano triennale per l'informatica nella PA|https://www.agid.gov.it/it/agenzia/piano-triennale
Linee guida AgID|https://www.agid.gov.it/it/linee-guida
Developers Italia|https://developers.italia.it/
Catalogo del software a riuso|https://developers.italia.it/it/software
Documentazione di pagoPA|https://docs.pagopa.it/
Piattaforma Digitale Nazionale Dati|https://www.pdnd.italia.it/
Portale dei dati aperti|https://www.dati.gov.it/
Designers Italia|https://designers.italia.it/
Identità digitale SPID|https://www.spid.gov.it/
Carta d'identità elettronica|https://www.cartaidentita.interno.gov.it/
Repubblica Digitale|https://repubblicadigitale.innovazione.gov.it/
Agenzia per la cybersicurezza nazionale|https://www.acn.gov.it/`

const phasesText = `Analisi
Progettazione
Sperimentazione
Estensione
Valutazione
Formazione
Migrazione
Collaudo`

const periodsText = `primo trimestre 2026
secondo trimestre 2026
secondo semestre 2026
primo semestre 2027
entro dicembre 2027
tre mesi dall'avvio
sei mesi dall'avvio
dodici mesi dall'avvio`

// indicatorsText is "name|unit" per line.
const indicatorsText = `Servizi online attivati|servizi
Enti aderenti|enti
Dipendenti formati|persone
Pratiche gestite in digitale|%
Dataset pubblicati|dataset
Tempo medio di risposta|giorni
Utenti attivi mensili|utenti
Spesa ICT consolidata|migliaia di euro
Siti conformi alle linee guida|siti
Pagamenti tramite pagoPA|%`

const townsText = `Castelnuovo
Monteverde
Borgo San Pietro
Villafranca
Pontelungo
Roccabianca
Torre del Lago
Pieve Santo Stefano
Collalto
Poggio Rusco
Fontanelle
Casalbuono
Serravalle
Campomarino
Portovecchio
San Martino
Sant'Angelo
Acquaviva
Belvedere
Capodimonte
Fiumefreddo
Lagosanto
Montalto
Roccaforte`

const townTailsText = `di Sopra
di Sotto
al Piano
sul Mare
in Valle
d'Arda
sul Serio
in Chianti
al Monte
di Po
sul Lago
in Colle
dei Marsi
del Sannio
di Romagna
delle Langhe
in Teverina
sul Brenta
d'Adige
al Mincio
sul Tanaro
di Piave
in Sabina
del Friuli
Val di Sole`

const regionsText = `Piemonte
Valle d'Aosta
Lombardia
Veneto
Friuli-Venezia Giulia
Liguria
Emilia-Romagna
Toscana
Umbria
Marche
Lazio
Abruzzo
Molise
Campania
Puglia
Basilicata
Calabria
Sicilia
Sardegna
Trentino-Alto Adige`

const ministriesText = `Ministero dell'Interno
Ministero della Salute
Ministero dell'Istruzione e del Merito
Ministero della Cultura
Ministero della Giustizia
Ministero del Lavoro e delle Politiche Sociali
Ministero delle Imprese e del Made in Italy
Ministero dell'Ambiente e della Sicurezza Energetica
Ministero delle Infrastrutture e dei Trasporti
Ministero dell'Università e della Ricerca
Ministero del Turismo
Ministero della Difesa`

const firstNamesText = `Maria
Giuseppe
Anna
Francesco
Giulia
Alessandro
Chiara
Marco
Francesca
Luca
Sara
Andrea
Elena
Matteo
Laura
Davide
Valentina
Stefano
Paola
Roberto
Silvia
Paolo
Federica
Giovanni
Martina
Antonio
Elisa
Lorenzo
Cristina
Simone
Alessia
Riccardo
Roberta
Fabio
Monica
Emanuele
Ilaria
Nicola
Barbara
Daniele`

const lastNamesText = `Rossi
Russo
Ferrari
Esposito
Bianchi
Romano
Colombo
Ricci
Marino
Greco
Bruno
Gallo
Conti
De Luca
Mancini
Costa
Giordano
Rizzo
Lombardi
Moretti
Barbieri
Fontana
Santoro
Mariani
Rinaldi
Caruso
Ferrara
Galli
Martini
Leone
Longo
Gentile
Martinelli
Vitale
Lombardo
Serra
Coppola
De Santis
D'Angelo
Marchetti`

const tagsText = `cloud
dati-aperti
interoperabilità
identità-digitale
pagamenti
cybersicurezza
accessibilità
competenze
riuso
open-source
sanità
scuola
imprese
semplificazione
trasparenza
partecipazione
anagrafe
tributi
edilizia
appalti
archivi
conservazione
piccoli-comuni
aree-interne
welfare
mobilità
turismo
ambiente
protezione-civile
intelligenza-artificiale
formazione
governance
monitoraggio
indicatori
servizi-online
app-io
pagopa
spid
cie
pdnd
notifiche
catasto
biblioteche
banda-ultralarga
data-center
privacy
qualità-dei-dati
co-progettazione
sportello-unico
pnrr`

const softwareNamesText = `Mosaico
Civitas
Agorà
Sentiero
Arcobaleno
Bussola
Ponte
Lanterna
Faro
Radice`

// feedbackTitlesText is "kind|title" per line.
const feedbackTitlesText = `comment|Osservazioni sull'impatto organizzativo
comment|Un'integrazione alla proposta
comment|Attenzione ai tempi di attuazione
comment|Coordinare con le iniziative regionali
comment|Suggerimenti sugli indicatori
question|Chi sosterrà i costi di gestione?
question|Come saranno coinvolti i piccoli comuni?
question|Quali standard verranno adottati?
question|È prevista una fase di sperimentazione?
question|Chi sarà il titolare del trattamento dei dati?
objection|Rischio di duplicare piattaforme esistenti
objection|Tempi non realistici
objection|Costi sottostimati per gli enti minori
objection|Manca un'analisi dei fabbisogni
support|Pieno sostegno alla proposta
support|Un'esperienza simile nel nostro ente
support|Disponibili a partecipare alla sperimentazione
support|Proposta utile anche per le aree interne`

const reactionCommentsText = `Essenziale per i comuni sotto i 5.000 abitanti.
Priorità alta per il nostro territorio.
Da coordinare con il piano regionale.
Utile, ma i tempi sono troppo stretti.
Siamo pronti a partecipare come ente pilota.
Servono risorse dedicate per la formazione.
Rischio di sovrapposizione con progetti già finanziati.
Proposta concreta e facilmente replicabile.
Manca una stima dei costi di gestione.
Un passo necessario per l'interoperabilità.`

// answersText is "status|answer" per line; {action} names a plan action.
const answersText = `under-review|La proposta è all'esame del gruppo di lavoro, che presenterà una valutazione entro la chiusura della consultazione.
under-review|L'istruttoria è in corso: sono stati chiesti chiarimenti all'ente proponente sui costi stimati.
under-review|La proposta sarà discussa nella prossima riunione della cabina di regia.
accepted|La proposta è accolta e sarà inserita nel piano con il prossimo aggiornamento.
accepted|La proposta è accolta. L'ente proponente sarà coinvolto nella definizione delle specifiche.
accepted|Accolta: la cabina di regia ne ha riconosciuto il valore per tutti gli enti aderenti.
rejected|La proposta non è accolta perché sovrapposta a iniziative già finanziate a livello nazionale.
rejected|Non accolta: i costi stimati non sono compatibili con le risorse disponibili nel triennio.
rejected|La proposta non è accolta in questa forma. Si invita l'ente a ripresentarla con un'analisi dei fabbisogni.
incorporated|La proposta è confluita nell'azione {action} del piano.
incorporated|I contenuti della proposta sono stati integrati nell'azione {action}, che ne riprende obiettivi e tempi.
incorporated|Integrata nell'azione {action}. Si ringrazia l'ente proponente per il contributo.
withdrawn|L'ente proponente ha ritirato la proposta.
withdrawn|La proposta è stata ritirata dall'ente, che presenterà una versione aggiornata.
withdrawn|Ritirata su richiesta dell'ente proponente dopo il confronto con il gruppo di lavoro.`

// The closed vocabularies of the content format, in the README's order.
const (
	proposalStatusesText = "open under-review accepted rejected incorporated withdrawn"
	actionStatusesText   = "planned in-progress done delayed cancelled"
	practiceKindsText    = "strategic-plan methodology experience software guideline"
	bodyKindsText        = "ministry region province metropolitan-city municipality agency university health-authority other"
	feedbackKindsText    = "comment question objection support"
	votesText            = "support oppose abstain"
	// bodyPrefixesText starts the ids of bodies of each kind in bodyKindsText.
	bodyPrefixesText = "m r p cm c ag uni asl u"
)

// vocab is the split vocabulary, built once per Generate call.
type vocab struct {
	openers, subjects, plurals, objects, complements []string
	verbs                                            [][2]string
	context, proposal, benefits, bullets             []string
	titleHeads, topics, titleTails                   []string
	goalTitles, objectiveVerbs, actionVerbs          []string
	links, indicators, feedbackTitles, answers       [][2]string
	phases, periods, towns, townTails, regions       []string
	ministries, firstNames, lastNames, tags          []string
	software, reactionComments                       []string

	proposalStatuses, actionStatuses, practiceKinds []string
	bodyKinds, bodyPrefixes, feedbackKinds, votes   []string
}

func newVocab() *vocab {
	return &vocab{
		openers:          lines(openersText),
		subjects:         lines(subjectsText),
		plurals:          lines(pluralSubjectsText),
		objects:          lines(objectsText),
		complements:      lines(complementsText),
		verbs:            pairs(verbsText),
		context:          lines(contextText),
		proposal:         lines(proposalText),
		benefits:         lines(benefitsText),
		bullets:          lines(bulletsText),
		titleHeads:       lines(titleHeadsText),
		topics:           lines(topicsText),
		titleTails:       lines(titleTailsText),
		goalTitles:       lines(goalTitlesText),
		objectiveVerbs:   lines(objectiveVerbsText),
		actionVerbs:      lines(actionVerbsText),
		links:            pairs(linksText),
		indicators:       pairs(indicatorsText),
		feedbackTitles:   pairs(feedbackTitlesText),
		answers:          pairs(answersText),
		phases:           lines(phasesText),
		periods:          lines(periodsText),
		towns:            lines(townsText),
		townTails:        lines(townTailsText),
		regions:          lines(regionsText),
		ministries:       lines(ministriesText),
		firstNames:       lines(firstNamesText),
		lastNames:        lines(lastNamesText),
		tags:             lines(tagsText),
		software:         lines(softwareNamesText),
		reactionComments: lines(reactionCommentsText),
		proposalStatuses: strings.Fields(proposalStatusesText),
		actionStatuses:   strings.Fields(actionStatusesText),
		practiceKinds:    strings.Fields(practiceKindsText),
		bodyKinds:        strings.Fields(bodyKindsText),
		bodyPrefixes:     strings.Fields(bodyPrefixesText),
		feedbackKinds:    strings.Fields(feedbackKindsText),
		votes:            strings.Fields(votesText),
	}
}

func lines(s string) []string { return strings.Split(s, "\n") }

func pairs(s string) [][2]string {
	ls := lines(s)
	out := make([][2]string, len(ls))
	for i, l := range ls {
		a, b, _ := strings.Cut(l, "|")
		out[i] = [2]string{a, b}
	}
	return out
}
