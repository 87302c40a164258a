package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/store"
)

// current is what PutAssets needs to know of an asset's stored state.
type current struct {
	hash                      string
	provider, account, region string
	collected                 time.Time
	lastScanID                string
	versionID                 int64
	// deleted: the asset was found deleted; seeing it again makes a new
	// version even with the same configuration.
	deleted bool
}

// prefetchChunk bounds the size of one JSON array of UIDs in a lookup.
const prefetchChunk = 10000

// PutAssets implements store.Store.
//
// Each configuration of an asset is a row of asset_versions, which holds
// the documents; the row of assets is the asset's small current state and
// points at its version. An unchanged asset, the bulk of every rescan, is
// one small row update; its documents are not even encoded.
func (s *Store) PutAssets(ctx context.Context, scanID string, assets []asset.Asset) error {
	if err := store.ValidateAssets(scanID, assets); err != nil {
		return err
	}
	if len(assets) == 0 {
		return nil
	}
	// Fill in missing hashes on copies: the caller's slice is not ours.
	batch := make([]*asset.Asset, len(assets))
	for i := range assets {
		a := &assets[i]
		if a.Hash == "" {
			cp := *a
			cp.Hash = cp.ComputeHash()
			a = &cp
		}
		batch[i] = a
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := scanExists(ctx, tx, scanID); err != nil {
			return err
		}
		cur, err := currentStates(ctx, tx, batch)
		if err != nil {
			return err
		}
		w, err := newAssetWriter(ctx, tx, scanID)
		if err != nil {
			return err
		}
		defer w.close()
		pre := startPreEncode(batch, func(a *asset.Asset) bool {
			c, known := cur[a.UID]
			return !known || c.hash != a.Hash
		})
		defer pre.stop()
		for i, a := range batch {
			if err := w.put(a, cur, pre.take(i)); err != nil {
				return fmt.Errorf("asset %d (%s): %w", i, a.UID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put assets for scan %s: %w", scanID, err)
	}
	return nil
}

// assetWriter holds the prepared statements of one PutAssets transaction.
type assetWriter struct {
	ctx    context.Context
	scanID string
	en     *encoder
	// addVersion stores a configuration, which a trigger makes the
	// asset's current state; endVersion records when the configuration it
	// replaces was last seen. move records a changed provider, account or
	// region, touch another sighting.
	addVersion, endVersion, move, touch *sql.Stmt
}

func newAssetWriter(ctx context.Context, tx *sql.Tx, scanID string) (*assetWriter, error) {
	w := &assetWriter{ctx: ctx, scanID: scanID, en: newEncoder()}
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&w.addVersion, `INSERT INTO asset_versions (uid, hash, provider, account, region, type, name,
	tags, config, relations, errors, source, first_scan_id, first_seen_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&w.endVersion, `UPDATE asset_versions SET last_scan_id = ?, last_seen_at = ? WHERE id = ?`},
		{&w.move, `UPDATE assets SET provider = ?, account = ?, region = ?, source = ?, last_scan_id = ?, collected_at = ? WHERE uid = ?`},
		// Setting only the columns that change keeps SQLite from rewriting
		// the entries of indexes on the others.
		{&w.touch, `UPDATE assets SET source = ?, last_scan_id = ?, collected_at = ? WHERE uid = ?`},
	} {
		var err error
		if *p.stmt, err = tx.PrepareContext(ctx, p.sql); err != nil {
			w.close()
			return nil, err
		}
	}
	return w, nil
}

// put writes one asset given the stored states, which it keeps up to date,
// and its documents if they were encoded ahead.
func (w *assetWriter) put(a *asset.Asset, cur map[string]current, pre *encoded) error {
	collected := a.CollectedAt.Truncate(time.Microsecond)
	c, known := cur[a.UID]
	if known && collected.Before(c.collected) {
		return nil // a later collection is already stored
	}
	source, err := w.en.text(a.Source, false)
	if err != nil {
		return fmt.Errorf("encode source: %w", err)
	}
	at := dbTime(collected)
	switch {
	case !known || c.hash != a.Hash || c.deleted:
		if known {
			if _, err := w.endVersion.ExecContext(w.ctx, c.lastScanID, dbTime(c.collected), c.versionID); err != nil {
				return fmt.Errorf("close previous version: %w", err)
			}
		}
		var d docs
		if pre != nil {
			d, err = pre.docs, pre.err
		} else {
			d, err = encodeDocs(w.en, a)
		}
		if err != nil {
			return err
		}
		res, err := w.addVersion.ExecContext(w.ctx, a.UID, a.Hash, a.Provider, a.Account, a.Region, a.Type, a.Name,
			d.tags, d.config, d.relations, d.errs, source, w.scanID, at)
		if err != nil {
			return fmt.Errorf("add version: %w", err)
		}
		if c.versionID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("add version: %w", err)
		}
	case c.provider != a.Provider || c.account != a.Account || c.region != a.Region:
		if _, err := w.move.ExecContext(w.ctx, a.Provider, a.Account, a.Region, source, w.scanID, at, a.UID); err != nil {
			return err
		}
	default:
		if _, err := w.touch.ExecContext(w.ctx, source, w.scanID, at, a.UID); err != nil {
			return err
		}
	}
	c.hash, c.provider, c.account, c.region = a.Hash, a.Provider, a.Account, a.Region
	c.collected, c.lastScanID, c.deleted = collected, w.scanID, false
	cur[a.UID] = c
	return nil
}

func (w *assetWriter) close() {
	for _, st := range []*sql.Stmt{w.addVersion, w.endVersion, w.move, w.touch} {
		if st != nil {
			st.Close()
		}
	}
}

// currentStates reads the stored state of the batch's assets, a chunk of
// UIDs per query rather than a query per asset.
func currentStates(ctx context.Context, tx *sql.Tx, batch []*asset.Asset) (map[string]current, error) {
	cur := make(map[string]current, len(batch))
	stmt, err := tx.PrepareContext(ctx, `SELECT uid, hash, provider, account, region, collected_at, last_scan_id, version_id,
	deleted_at IS NOT NULL FROM assets
WHERE uid IN (SELECT value FROM json_each(?))`)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	uids := make([]string, 0, min(len(batch), prefetchChunk))
	for start := 0; start < len(batch); start += prefetchChunk {
		uids = uids[:0]
		for _, a := range batch[start:min(start+prefetchChunk, len(batch))] {
			uids = append(uids, a.UID)
		}
		arr, err := json.Marshal(uids)
		if err != nil {
			return nil, err
		}
		rows, err := stmt.QueryContext(ctx, string(arr))
		if err != nil {
			return nil, fmt.Errorf("read current assets: %w", err)
		}
		for rows.Next() {
			var (
				uid string
				c   current
				ca  sql.NullInt64
			)
			if err := rows.Scan(&uid, &c.hash, &c.provider, &c.account, &c.region, &ca, &c.lastScanID, &c.versionID, &c.deleted); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read current assets: %w", err)
			}
			c.collected = goTime(ca)
			cur[uid] = c
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read current assets: %w", err)
		}
	}
	return cur, nil
}

const assetSelect = `SELECT a.uid, a.provider, a.account, a.region, a.type, a.name, a.hash, a.source, a.collected_at,
	v.tags, v.config, v.relations, v.errors
FROM assets a JOIN asset_versions v ON v.id = a.version_id`

// GetAsset implements store.Store.
func (s *Store) GetAsset(ctx context.Context, uid string) (asset.Asset, error) {
	a, err := scanAsset(s.r.QueryRowContext(ctx, assetSelect+` WHERE a.uid = ?`, uid))
	if errors.Is(err, sql.ErrNoRows) {
		return asset.Asset{}, fmt.Errorf("asset %s: %w", uid, store.ErrNotFound)
	}
	if err != nil {
		return asset.Asset{}, fmt.Errorf("get asset %s: %w", uid, err)
	}
	return a, nil
}

// Assets implements store.Store.
func (s *Store) Assets(ctx context.Context, f store.AssetFilter) ([]asset.Asset, error) {
	var w where
	w.eq("a.provider", f.Provider)
	w.in("a.account", f.Accounts)
	w.in("a.region", f.Regions)
	w.in("a.type", f.Types)
	w.eq("a.last_scan_id", f.LastScanID)
	if !f.IncludeDeleted {
		w.conds = append(w.conds, "a.deleted_at IS NULL")
	}
	q := assetSelect + w.sql() + " ORDER BY a.uid"
	args := w.args
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list assets: %w", err)
	}
	defer rows.Close()
	var out []asset.Asset
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			return nil, fmt.Errorf("list assets: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list assets: %w", err)
	}
	return out, nil
}

func scanAsset(r rowScanner) (asset.Asset, error) {
	var (
		a                             asset.Asset
		source                        string
		collected                     sql.NullInt64
		tags, config, relations, errs sql.NullString
	)
	if err := r.Scan(&a.UID, &a.Provider, &a.Account, &a.Region, &a.Type, &a.Name, &a.Hash, &source, &collected,
		&tags, &config, &relations, &errs); err != nil {
		return asset.Asset{}, err
	}
	a.CollectedAt = goTime(collected)
	if err := decodeAssetDocs(&a, source, tags, config, relations, errs); err != nil {
		return asset.Asset{}, err
	}
	return a, nil
}

func decodeAssetDocs(a *asset.Asset, source string, tags, config, relations, errs sql.NullString) error {
	var err error
	if err = json.Unmarshal([]byte(source), &a.Source); err != nil {
		return fmt.Errorf("asset %s: decode source: %w", a.UID, err)
	}
	if err = decodeJSON(tags, &a.Tags, "asset "+a.UID+" tags"); err != nil {
		return err
	}
	if a.Config, err = decodeDoc(config, "asset "+a.UID+" config"); err != nil {
		return err
	}
	if err = decodeJSON(relations, &a.Relations, "asset "+a.UID+" relations"); err != nil {
		return err
	}
	return decodeJSON(errs, &a.Errors, "asset "+a.UID+" errors")
}

// AssetVersions implements store.Store.
func (s *Store) AssetVersions(ctx context.Context, uid string) ([]store.AssetVersion, error) {
	// One statement, so that the archived and the current versions come
	// from the same snapshot.
	// The current version's last sighting is the asset's.
	rows, err := s.r.QueryContext(ctx, `SELECT a.uid, a.provider, a.account, a.region, a.type,
	v.name, v.hash, v.source, v.tags, v.config, v.relations, v.errors, v.first_scan_id, v.first_seen_at,
	CASE WHEN v.id = a.version_id THEN a.last_scan_id ELSE v.last_scan_id END,
	CASE WHEN v.id = a.version_id THEN a.collected_at ELSE v.last_seen_at END,
	d.scan_id, d.deleted_at
FROM asset_versions v JOIN assets a ON a.uid = v.uid LEFT JOIN asset_deletions d ON d.version_id = v.id
WHERE v.uid = ? ORDER BY v.id`, uid)
	if err != nil {
		return nil, fmt.Errorf("asset %s versions: %w", uid, err)
	}
	defer rows.Close()
	var out []store.AssetVersion
	for rows.Next() {
		var (
			v                             store.AssetVersion
			a                             = &v.Asset
			source                        string
			first, last, deletedAt        sql.NullInt64
			tags, config, relations, errs sql.NullString
			deletedBy                     sql.NullString
		)
		if err := rows.Scan(&a.UID, &a.Provider, &a.Account, &a.Region, &a.Type, &a.Name, &a.Hash, &source,
			&tags, &config, &relations, &errs, &v.FirstScanID, &first, &v.LastScanID, &last, &deletedBy, &deletedAt); err != nil {
			return nil, fmt.Errorf("asset %s versions: %w", uid, err)
		}
		v.FirstSeen, v.LastSeen = goTime(first), goTime(last)
		v.DeletedScanID, v.DeletedAt = deletedBy.String, goTime(deletedAt)
		a.CollectedAt = v.FirstSeen
		if err := decodeAssetDocs(a, source, tags, config, relations, errs); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("asset %s versions: %w", uid, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("asset %s: %w", uid, store.ErrNotFound)
	}
	return out, nil
}

// maxListParams is the longest filter list passed as one parameter per
// value.
const maxListParams = 500

// where collects SQL conditions joined by AND.
type where struct {
	conds []string
	args  []any
}

func (w *where) eq(col, v string) {
	if v != "" {
		w.conds = append(w.conds, col+" = ?")
		w.args = append(w.args, v)
	}
}

func (w *where) in(col string, vs []string) {
	switch {
	case len(vs) == 0:
	case len(vs) == 1:
		w.conds = append(w.conds, col+" = ?")
		w.args = append(w.args, vs[0])
	case len(vs) > maxListParams:
		// Past SQLite's limit on parameters: pass the list as one JSON array.
		b, _ := json.Marshal(vs) // a []string always encodes
		w.conds = append(w.conds, col+" IN (SELECT value FROM json_each(?))")
		w.args = append(w.args, string(b))
	default:
		w.conds = append(w.conds, col+" IN ("+strings.Repeat("?, ", len(vs)-1)+"?)")
		for _, v := range vs {
			w.args = append(w.args, v)
		}
	}
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}
