-- A SQLite database written by ASSKomm-Karte before migrations existed (main at 94c36e2,
-- tests/records_support.py rows plus a user, an edit, a contact, its revert and a Problemfeld).
BEGIN TRANSACTION;
CREATE TABLE audit_log (
	id INTEGER NOT NULL, 
	batch VARCHAR(36) NOT NULL, 
	at DATETIME NOT NULL, 
	actor VARCHAR(100) NOT NULL, 
	action VARCHAR(20) NOT NULL, 
	entity VARCHAR(30) NOT NULL, 
	entity_id INTEGER, 
	"before" JSON, 
	"after" JSON, 
	PRIMARY KEY (id)
);
INSERT INTO "audit_log" VALUES(1,'f0ac287e-1808-4ac4-be30-e8b7612846b2','2026-12-02 10:38:38.007531','test','insert','participants',1,'null','{"kind": "gemeinde", "key": "14626110", "name": "G\u00f6rlitz", "ags": "14626110", "members": ["14626110"]}');
INSERT INTO "audit_log" VALUES(2,'f0ac287e-1808-4ac4-be30-e8b7612846b2','2026-12-02 10:38:38.007531','test','insert','participants',2,'null','{"kind": "gemeinde", "key": "14523020", "name": "Auerbach/Vogtl.", "ags": "14523020", "members": ["14523020"]}');
INSERT INTO "audit_log" VALUES(3,'f0ac287e-1808-4ac4-be30-e8b7612846b2','2026-12-02 10:38:38.007531','test','insert','participants',3,'null','{"kind": "gruppe", "key": "gruppe:staedtebund silberberg", "name": "St\u00e4dtebund Silberberg", "ags": null, "members": ["14521035", "14521530"]}');
INSERT INTO "audit_log" VALUES(4,'f0ac287e-1808-4ac4-be30-e8b7612846b2','2026-12-02 10:38:38.007531','test','insert','participants',4,'null','{"kind": "landkreis", "key": "14626", "name": "Landkreis G\u00f6rlitz (Kreisebene)", "ags": "14626", "members": []}');
INSERT INTO "audit_log" VALUES(5,'f0ac287e-1808-4ac4-be30-e8b7612846b2','2026-12-02 10:38:38.007531','test','insert','participants',5,'null','{"kind": "gemeinde", "key": "14713000", "name": "Leipzig", "ags": "14713000", "members": ["14713000"]}');
INSERT INTO "audit_log" VALUES(6,'f0ac287e-1808-4ac4-be30-e8b7612846b2','2026-12-02 10:38:38.007531','test','insert','milestones',1,'null','{"participant": "14626110", "baustein": "modellkommune", "datum": "2019-02-06", "problemfelder": [], "betrag_eur": null, "quelle": "https://example.org/quelle", "bemerkung": ""}');
INSERT INTO "audit_log" VALUES(7,'f0ac287e-1808-4ac4-be30-e8b7612846b2','2026-12-02 10:38:38.007531','test','insert','milestones',2,'null','{"participant": "14626110", "baustein": "kooperationsvereinbarung", "datum": "2020-07", "problemfelder": ["vandalismus"], "betrag_eur": null, "quelle": "https://example.org/quelle", "bemerkung": ""}');
INSERT INTO "audit_log" VALUES(8,'f0ac287e-1808-4ac4-be30-e8b7612846b2','2026-12-02 10:38:38.007531','test','insert','milestones',3,'null','{"participant": "14523020", "baustein": "kooperationsvereinbarung", "datum": "2022-07-22", "problemfelder": ["drogenmissbrauch", "vandalismus"], "betrag_eur": null, "quelle": "https://example.org/quelle", "bemerkung": "<script>alert(1)</script>"}');
INSERT INTO "audit_log" VALUES(9,'f0ac287e-1808-4ac4-be30-e8b7612846b2','2026-12-02 10:38:38.007531','test','insert','milestones',4,'null','{"participant": "gruppe:staedtebund silberberg", "baustein": "kooperationsvereinbarung", "datum": "2021-12-17", "problemfelder": [], "betrag_eur": null, "quelle": "https://example.org/quelle", "bemerkung": ""}');
INSERT INTO "audit_log" VALUES(10,'f0ac287e-1808-4ac4-be30-e8b7612846b2','2026-12-02 10:38:38.007531','test','insert','milestones',5,'null','{"participant": "14626", "baustein": "kpr", "datum": "2009-10-07", "problemfelder": [], "betrag_eur": null, "quelle": "https://example.org/quelle", "bemerkung": ""}');
INSERT INTO "audit_log" VALUES(11,'f0ac287e-1808-4ac4-be30-e8b7612846b2','2026-12-02 10:38:38.007531','test','insert','milestones',6,'null','{"participant": "14713000", "baustein": "foerderung", "datum": "2021", "problemfelder": [], "betrag_eur": 160000.0, "quelle": "https://example.org/quelle", "bemerkung": "=1+2 Koordinierung"}');
INSERT INTO "audit_log" VALUES(12,'f0ac287e-1808-4ac4-be30-e8b7612846b2','2026-12-02 10:38:38.007531','test','import','import',NULL,'null','{"source": "base.csv", "new": 6, "changed": 0, "unchanged": 0}');
INSERT INTO "audit_log" VALUES(13,'991bf745-08ba-4681-aae0-f83b819f6292','2026-12-02 10:38:38.290929','setup','insert','users',1,'null','{"name": "anna", "role": "admin", "active": true}');
INSERT INTO "audit_log" VALUES(14,'03c6746d-2085-4c12-8d73-12167fbe30f3','2026-12-02 10:38:38.730284','anna','update','milestones',1,'{"baustein": "modellkommune", "datum": "2019-02-06", "problemfelder": [], "betrag_eur": null, "quelle": "https://example.org/quelle", "bemerkung": ""}','{"baustein": "modellkommune", "datum": "2019-02-06", "problemfelder": [], "betrag_eur": null, "quelle": "https://example.org/quelle", "bemerkung": "ge\u00e4ndert \u00e4 \u00f6 \u00fc \u00df"}');
INSERT INTO "audit_log" VALUES(15,'1f333af1-7171-4b34-9210-a47e2e64eb37','2026-12-02 10:38:38.736154','anna','insert','contacts',1,'null','{"participant_id": 1, "gremium": "KPR G\u00f6rlitz", "adresse": "", "telefon": "", "email": "kpr@example.org"}');
INSERT INTO "audit_log" VALUES(16,'af932bcb-a30b-440b-8a0b-e06a0c11a77c','2026-12-02 10:38:38.737210','anna','insert','problemfelder',NULL,'null','{"id": "laerm_test", "label": "L\u00e4rm (Test)", "colour": "#123456", "description": "x"}');
INSERT INTO "audit_log" VALUES(17,'042b64a5-b912-4d44-b0c6-06fd08303f06','2026-12-02 10:38:38.745899','anna','delete','contacts',1,'{"participant_id": 1, "gremium": "KPR G\u00f6rlitz", "adresse": "", "telefon": "", "email": "kpr@example.org"}','null');
CREATE TABLE audit_reverts (
	audit_id INTEGER NOT NULL, 
	revert_audit_id INTEGER NOT NULL, 
	PRIMARY KEY (audit_id), 
	FOREIGN KEY(audit_id) REFERENCES audit_log (id)
);
INSERT INTO "audit_reverts" VALUES(15,17);
CREATE TABLE contacts (
	id INTEGER NOT NULL, 
	participant_id INTEGER NOT NULL, 
	gremium VARCHAR(300) NOT NULL, 
	adresse TEXT NOT NULL, 
	telefon VARCHAR(100) NOT NULL, 
	email VARCHAR(300) NOT NULL, 
	version INTEGER NOT NULL, 
	created_by VARCHAR(100) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_by VARCHAR(100), 
	updated_at DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(participant_id) REFERENCES participants (id) ON DELETE CASCADE
);
CREATE TABLE focus (
	milestone_id INTEGER NOT NULL, 
	problemfeld VARCHAR(60) NOT NULL, 
	PRIMARY KEY (milestone_id, problemfeld), 
	FOREIGN KEY(milestone_id) REFERENCES milestones (id) ON DELETE CASCADE
);
INSERT INTO "focus" VALUES(2,'vandalismus');
INSERT INTO "focus" VALUES(3,'drogenmissbrauch');
INSERT INTO "focus" VALUES(3,'vandalismus');
CREATE TABLE login_throttle (
	name VARCHAR(64) NOT NULL, 
	failures INTEGER NOT NULL, 
	last_failure_at DATETIME, 
	blocked_until DATETIME, 
	PRIMARY KEY (name)
);
INSERT INTO "login_throttle" VALUES('bernd',1,'2026-12-02 10:38:38.291531',NULL);
CREATE TABLE members (
	participant_id INTEGER NOT NULL, 
	ags VARCHAR(8) NOT NULL, 
	PRIMARY KEY (participant_id, ags), 
	FOREIGN KEY(participant_id) REFERENCES participants (id) ON DELETE CASCADE
);
INSERT INTO "members" VALUES(3,'14521035');
INSERT INTO "members" VALUES(3,'14521530');
CREATE TABLE meta (
	"key" VARCHAR(40) NOT NULL, 
	value INTEGER NOT NULL, 
	PRIMARY KEY ("key")
);
INSERT INTO "meta" VALUES('data_version',5);
INSERT INTO "meta" VALUES('seeded',0);
CREATE TABLE milestones (
	id INTEGER NOT NULL, 
	participant_id INTEGER NOT NULL, 
	baustein VARCHAR(40) NOT NULL, 
	datum VARCHAR(10) NOT NULL, 
	betrag_eur NUMERIC(14, 2), 
	quelle TEXT NOT NULL, 
	bemerkung TEXT NOT NULL, 
	version INTEGER NOT NULL, 
	created_by VARCHAR(100) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_by VARCHAR(100), 
	updated_at DATETIME, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_milestone UNIQUE (participant_id, baustein, datum), 
	FOREIGN KEY(participant_id) REFERENCES participants (id) ON DELETE CASCADE
);
INSERT INTO "milestones" VALUES(1,1,'modellkommune','2019-02-06',NULL,'https://example.org/quelle','geändert ä ö ü ß',2,'test','2026-12-02 10:38:38.007531','anna','2026-12-02 10:38:38.730284');
INSERT INTO "milestones" VALUES(2,1,'kooperationsvereinbarung','2020-07',NULL,'https://example.org/quelle','',1,'test','2026-12-02 10:38:38.007531',NULL,NULL);
INSERT INTO "milestones" VALUES(3,2,'kooperationsvereinbarung','2022-07-22',NULL,'https://example.org/quelle','<script>alert(1)</script>',1,'test','2026-12-02 10:38:38.007531',NULL,NULL);
INSERT INTO "milestones" VALUES(4,3,'kooperationsvereinbarung','2021-12-17',NULL,'https://example.org/quelle','',1,'test','2026-12-02 10:38:38.007531',NULL,NULL);
INSERT INTO "milestones" VALUES(5,4,'kpr','2009-10-07',NULL,'https://example.org/quelle','',1,'test','2026-12-02 10:38:38.007531',NULL,NULL);
INSERT INTO "milestones" VALUES(6,5,'foerderung','2021',160000,'https://example.org/quelle','=1+2 Koordinierung',1,'test','2026-12-02 10:38:38.007531',NULL,NULL);
CREATE TABLE participants (
	id INTEGER NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	"key" VARCHAR(200) NOT NULL, 
	name VARCHAR(300) NOT NULL, 
	ags VARCHAR(8), 
	version INTEGER NOT NULL, 
	created_by VARCHAR(100) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_by VARCHAR(100), 
	updated_at DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE ("key")
);
INSERT INTO "participants" VALUES(1,'gemeinde','14626110','Görlitz','14626110',1,'test','2026-12-02 10:38:38.007531',NULL,NULL);
INSERT INTO "participants" VALUES(2,'gemeinde','14523020','Auerbach/Vogtl.','14523020',1,'test','2026-12-02 10:38:38.007531',NULL,NULL);
INSERT INTO "participants" VALUES(3,'gruppe','gruppe:staedtebund silberberg','Städtebund Silberberg',NULL,1,'test','2026-12-02 10:38:38.007531',NULL,NULL);
INSERT INTO "participants" VALUES(4,'landkreis','14626','Landkreis Görlitz (Kreisebene)','14626',1,'test','2026-12-02 10:38:38.007531',NULL,NULL);
INSERT INTO "participants" VALUES(5,'gemeinde','14713000','Leipzig','14713000',1,'test','2026-12-02 10:38:38.007531',NULL,NULL);
CREATE TABLE problemfeld_entries (
	id VARCHAR(60) NOT NULL, 
	label VARCHAR(120) NOT NULL, 
	colour VARCHAR(7) NOT NULL, 
	description TEXT NOT NULL, 
	position INTEGER NOT NULL, 
	version INTEGER NOT NULL, 
	created_by VARCHAR(100) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_by VARCHAR(100), 
	updated_at DATETIME, 
	PRIMARY KEY (id)
);
INSERT INTO "problemfeld_entries" VALUES('laerm_test','Lärm (Test)','#123456','x',1,1,'anna','2026-12-02 10:38:38.737210',NULL,NULL);
CREATE TABLE users (
	id INTEGER NOT NULL, 
	name VARCHAR(64) NOT NULL, 
	role VARCHAR(20) NOT NULL, 
	password_hash VARCHAR(255) NOT NULL, 
	active BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	created_by VARCHAR(100) NOT NULL, 
	last_login_at DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);
INSERT INTO "users" VALUES(1,'anna','admin','$argon2id$v=19$m=65536,t=3,p=4$hIa19bCapjvOTkDjcy6S6Q$p0+EPpfGzLiuHLlgMJE6quSiSwcSrCxRteoQrYbG5DY',1,'2026-12-02 10:38:38.022169','setup',NULL);
CREATE INDEX ix_audit_log_batch ON audit_log (batch);
COMMIT;
