//! The queries both stores share. SQLite and Postgres accept the same SQL for everything the
//! daemon does (`$N` parameters, `RETURNING`, `ON CONFLICT`), so the [`Store`] methods are
//! written once, here, and instantiated for each pool type by [`sql_store!`].
//!
//! Each store has two handles: `pool` for reads and `writer` for every statement that
//! writes. On Postgres they are the same pool. On SQLite `writer` is a pool of one
//! connection: SQLite allows one writer at a time, and writers queued in the process wait
//! their turn in order, where writers on separate connections would collide on the file
//! lock and sleep in SQLite's busy handler (1, 2, 5, 10 ms ... steps).
//!
//! [`Store`]: super::Store

macro_rules! sql_store {
    ($store:ty, $conn:ty, $kind:expr) => {
        impl $store {
            /// Marks a code used if it is unused and unexpired: one conditional UPDATE, so of
            /// any number of concurrent redemptions exactly one matches. Otherwise reads why
            /// it did not.
            async fn redeem_in(
                conn: &mut $conn,
                code_hash: &str,
                now_ms: i64,
            ) -> $crate::store::StoreResult<$crate::store::Redemption> {
                use $crate::store::{RedeemedCode, Redemption, models::CodeState};
                let redeemed: Option<RedeemedCode> = sqlx::query_as(
                    "UPDATE pairing_codes SET used_at = $2 \
                     WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 \
                     RETURNING account_id, bound_key_id",
                )
                .bind(code_hash)
                .bind(now_ms)
                .fetch_optional(&mut *conn)
                .await?;
                if let Some(code) = redeemed {
                    return Ok(Redemption::Redeemed(code));
                }
                let state: Option<CodeState> = sqlx::query_as(
                    "SELECT expires_at, used_at FROM pairing_codes WHERE code_hash = $1",
                )
                .bind(code_hash)
                .fetch_optional(&mut *conn)
                .await?;
                Ok(CodeState::classify(state, now_ms))
            }

            async fn insert_peer_in(
                conn: &mut $conn,
                peer: &$crate::store::Peer,
                key: &$crate::store::PeerKey,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO peers (peer_id, account_id, remote_id, remote_key_id, \
                     remote_public_key, remote_url, status, kid, sbt_expires_at, created_at, \
                     updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(&peer.peer_id)
                .bind(&peer.account_id)
                .bind(&peer.remote_id)
                .bind(&peer.remote_key_id)
                .bind(&peer.remote_public_key)
                .bind(&peer.remote_url)
                .bind(&peer.status)
                .bind(&peer.kid)
                .bind(peer.sbt_expires_at)
                .bind(peer.created_at)
                .bind(peer.updated_at)
                .execute(&mut *conn)
                .await
                .map_err(|e| $crate::store::StoreError::unique(e, "peer"))?;
                Self::insert_peer_key_in(conn, key).await
            }

            async fn insert_peer_key_in(
                conn: &mut $conn,
                key: &$crate::store::PeerKey,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO peer_keys (peer_id, kid, key, sbt, created_at, \
                     sbt_expires_at, retires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&key.peer_id)
                .bind(&key.kid)
                .bind(&key.key)
                .bind(&key.sbt)
                .bind(key.created_at)
                .bind(key.sbt_expires_at)
                .bind(key.retires_at)
                .execute(&mut *conn)
                .await
                .map_err(|e| $crate::store::StoreError::unique(e, "pair key"))?;
                Ok(())
            }

            /// Applies versions Last-Write-Wins. Takes the account's feed counter first (an
            /// upsert, which locks its row until commit), so versions get their `seq` in
            /// commit order and a reader paging the feed never skips one committed late. The
            /// same lock makes the read-decide-write below safe: every write to an account's
            /// records goes through here.
            ///
            /// Set-based: one read of the stored versions and one multi-row upsert per chunk
            /// of [`APPLY_CHUNK`] versions, however many there are, so the cost per version
            /// does not depend on round trips. Both statements are unprepared (not cached):
            /// their text changes with the batch size, and Postgres plans each for the table
            /// as it is now. A cached generic plan made while `records` was nearly empty
            /// stays a sequential scan as the table grows, until the next `ANALYZE`.
            ///
            /// [`APPLY_CHUNK`]: $crate::store::sql::APPLY_CHUNK
            async fn apply_in(
                conn: &mut $conn,
                account_id: &str,
                versions: &[$crate::store::Record],
                origin_peer: Option<&str>,
            ) -> $crate::store::StoreResult<usize> {
                type Db = <$conn as sqlx::Connection>::Database;
                if versions.is_empty() {
                    return Ok(0);
                }
                let (mut seq,): (i64,) = sqlx::query_as(
                    "INSERT INTO feed_counters (account_id, seq) VALUES ($1, 0) \
                     ON CONFLICT (account_id) DO UPDATE SET seq = feed_counters.seq \
                     RETURNING seq",
                )
                .bind(account_id)
                .fetch_one(&mut *conn)
                .await?;
                let mut applied = 0;
                for chunk in versions.chunks($crate::store::sql::APPLY_CHUNK) {
                    let mut read = sqlx::QueryBuilder::<Db>::new(
                        "SELECT id, version, kind FROM records WHERE account_id = ",
                    );
                    read.push_bind(account_id).push(" AND id IN (");
                    let mut ids = read.separated(", ");
                    for v in chunk {
                        ids.push_bind(&v.id);
                    }
                    read.push(")");
                    let stored: Vec<(String, String, String)> =
                        read.build_query_as().persistent(false).fetch_all(&mut *conn).await?;
                    let winners = $crate::store::sql::lww_winners(stored, chunk);
                    if winners.is_empty() {
                        continue;
                    }
                    let mut write = sqlx::QueryBuilder::<Db>::new(
                        "INSERT INTO records (account_id, id, kind, conversation_id, title, \
                         role, content, created_at, updated_at, deleted, version, \
                         source_backend, seq, origin_peer) ",
                    );
                    write.push_values(winners.iter().copied(), |mut row, v| {
                        seq += 1;
                        row.push_bind(account_id)
                            .push_bind(&v.id)
                            .push_bind(&v.kind)
                            .push_bind(&v.conversation_id)
                            .push_bind(&v.title)
                            .push_bind(&v.role)
                            .push_bind(&v.content)
                            .push_bind(v.created_at)
                            .push_bind(v.updated_at)
                            .push_bind(v.deleted)
                            .push_bind(&v.version)
                            .push_bind(&v.source_backend)
                            .push_bind(seq)
                            .push_bind(origin_peer);
                    });
                    write.push(
                        " ON CONFLICT (account_id, id) DO UPDATE SET \
                         conversation_id = excluded.conversation_id, title = excluded.title, \
                         role = excluded.role, content = excluded.content, \
                         created_at = excluded.created_at, updated_at = excluded.updated_at, \
                         deleted = excluded.deleted, version = excluded.version, \
                         source_backend = excluded.source_backend, seq = excluded.seq, \
                         origin_peer = excluded.origin_peer",
                    );
                    write.build().persistent(false).execute(&mut *conn).await?;
                    applied += winners.len();
                }
                if applied > 0 {
                    sqlx::query("UPDATE feed_counters SET seq = $2 WHERE account_id = $1")
                        .bind(account_id)
                        .bind(seq)
                        .execute(&mut *conn)
                        .await?;
                }
                Ok(applied)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            fn kind(&self) -> $crate::store::DatabaseKind {
                $kind
            }

            async fn ping(&self) -> $crate::store::StoreResult<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn meta_get(&self, key: &str) -> $crate::store::StoreResult<Option<String>> {
                let row: Option<(String,)> =
                    sqlx::query_as("SELECT value FROM meta WHERE key = $1")
                        .bind(key)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.map(|(value,)| value))
            }

            async fn meta_init(&self, key: &str, value: &str) -> $crate::store::StoreResult<String> {
                // `DO UPDATE` (a no-op write) rather than `DO NOTHING` so that `RETURNING`
                // yields the row that won, whichever transaction inserted it.
                let (stored,): (String,) = sqlx::query_as(
                    "INSERT INTO meta (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING value",
                )
                .bind(key)
                .bind(value)
                .fetch_one(&self.writer)
                .await?;
                Ok(stored)
            }

            async fn create_account(
                &self,
                account: &$crate::store::Account,
                token_hash: &str,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO accounts (id, name, token_hash, created_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(&account.id)
                .bind(&account.name)
                .bind(token_hash)
                .bind(account.created_at)
                .execute(&self.writer)
                .await
                .map_err(|e| $crate::store::StoreError::unique(e, "account"))?;
                Ok(())
            }

            async fn account_by_name(
                &self,
                name: &str,
            ) -> $crate::store::StoreResult<Option<$crate::store::Account>> {
                let sql = "SELECT id, name, created_at FROM accounts WHERE name = $1";
                Ok(sqlx::query_as(sql).bind(name).fetch_optional(&self.pool).await?)
            }

            async fn account_by_token_hash(
                &self,
                token_hash: &str,
            ) -> $crate::store::StoreResult<Option<$crate::store::Account>> {
                let sql = "SELECT id, name, created_at FROM accounts WHERE token_hash = $1";
                Ok(sqlx::query_as(sql).bind(token_hash).fetch_optional(&self.pool).await?)
            }

            async fn create_pairing_code(
                &self,
                code: &$crate::store::NewPairingCode,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO pairing_codes \
                     (code_hash, account_id, bound_key_id, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&code.code_hash)
                .bind(&code.account_id)
                .bind(&code.bound_key_id)
                .bind(code.created_at)
                .bind(code.expires_at)
                .execute(&self.writer)
                .await?;
                Ok(())
            }

            async fn redeem_pairing_code(
                &self,
                code_hash: &str,
                now_ms: i64,
            ) -> $crate::store::StoreResult<$crate::store::Redemption> {
                let mut tx = self.writer.begin().await?;
                let redemption = Self::redeem_in(&mut tx, code_hash, now_ms).await?;
                tx.commit().await?;
                Ok(redemption)
            }

            async fn register_peer(
                &self,
                code_hash: &str,
                now_ms: i64,
                peer: &$crate::store::Peer,
                key: &$crate::store::PeerKey,
            ) -> $crate::store::StoreResult<$crate::store::Registration> {
                use $crate::store::{Redemption, Registration};
                let mut tx = self.writer.begin().await?;
                let code = match Self::redeem_in(&mut tx, code_hash, now_ms).await? {
                    Redemption::Redeemed(code) => code,
                    refused => return Ok(Registration::Refused(refused)),
                };
                if code
                    .bound_key_id
                    .as_deref()
                    .is_some_and(|bound| bound != peer.remote_key_id)
                {
                    // Dropping the transaction rolls the redemption back: the code stays
                    // usable by the key it was issued for.
                    return Ok(Registration::BoundElsewhere);
                }
                let peer = $crate::store::Peer {
                    account_id: code.account_id.clone(),
                    ..peer.clone()
                };
                Self::insert_peer_in(&mut tx, &peer, key).await?;
                tx.commit().await?;
                Ok(Registration::Created {
                    account_id: code.account_id,
                })
            }

            async fn insert_peer(
                &self,
                peer: &$crate::store::Peer,
                key: &$crate::store::PeerKey,
            ) -> $crate::store::StoreResult<()> {
                let mut tx = self.writer.begin().await?;
                Self::insert_peer_in(&mut tx, peer, key).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn peer(
                &self,
                peer_id: &str,
            ) -> $crate::store::StoreResult<Option<$crate::store::Peer>> {
                let sql = concat!($crate::store::sql::peer_select!(), " WHERE peer_id = $1");
                Ok(sqlx::query_as(sql).bind(peer_id).fetch_optional(&self.pool).await?)
            }

            async fn peers(
                &self,
                account_id: Option<&str>,
            ) -> $crate::store::StoreResult<Vec<$crate::store::Peer>> {
                Ok(match account_id {
                    Some(account_id) => {
                        let sql = concat!(
                            $crate::store::sql::peer_select!(),
                            " WHERE account_id = $1 ORDER BY created_at, peer_id"
                        );
                        sqlx::query_as(sql).bind(account_id).fetch_all(&self.pool).await?
                    }
                    None => {
                        let sql = concat!(
                            $crate::store::sql::peer_select!(),
                            " ORDER BY created_at, peer_id"
                        );
                        sqlx::query_as(sql).fetch_all(&self.pool).await?
                    }
                })
            }

            async fn peer_key(
                &self,
                peer_id: &str,
                kid: &str,
            ) -> $crate::store::StoreResult<Option<$crate::store::PeerKey>> {
                let sql = "SELECT peer_id, kid, key, sbt, created_at, sbt_expires_at, \
                           retires_at FROM peer_keys WHERE peer_id = $1 AND kid = $2";
                Ok(sqlx::query_as(sql)
                    .bind(peer_id)
                    .bind(kid)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn replace_peer_key(
                &self,
                key: &$crate::store::PeerKey,
                retire_old_at: i64,
                now_ms: i64,
            ) -> $crate::store::StoreResult<bool> {
                let mut tx = self.writer.begin().await?;
                let updated = sqlx::query(
                    "UPDATE peers SET kid = $2, sbt_expires_at = $3, updated_at = $4 \
                     WHERE peer_id = $1 AND status = 'active'",
                )
                .bind(&key.peer_id)
                .bind(&key.kid)
                .bind(key.sbt_expires_at)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
                if updated.rows_affected() == 0 {
                    return Ok(false);
                }
                sqlx::query(
                    "UPDATE peer_keys SET retires_at = $2 \
                     WHERE peer_id = $1 AND (retires_at IS NULL OR retires_at > $2)",
                )
                .bind(&key.peer_id)
                .bind(retire_old_at)
                .execute(&mut *tx)
                .await?;
                Self::insert_peer_key_in(&mut tx, key).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn revoke_peer(
                &self,
                peer_id: &str,
                now_ms: i64,
            ) -> $crate::store::StoreResult<bool> {
                let updated = sqlx::query(
                    "UPDATE peers SET status = 'revoked', updated_at = $2 WHERE peer_id = $1",
                )
                .bind(peer_id)
                .bind(now_ms)
                .execute(&self.writer)
                .await?;
                Ok(updated.rows_affected() == 1)
            }

            async fn record_nonce(
                &self,
                peer_id: &str,
                nonce: &str,
                seen_at: i64,
            ) -> $crate::store::StoreResult<bool> {
                let inserted = sqlx::query(
                    "INSERT INTO peer_nonces (peer_id, nonce, seen_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (peer_id, nonce) DO NOTHING",
                )
                .bind(peer_id)
                .bind(nonce)
                .bind(seen_at)
                .execute(&self.writer)
                .await?;
                Ok(inserted.rows_affected() == 1)
            }

            async fn prune_nonces(&self, before: i64) -> $crate::store::StoreResult<u64> {
                let deleted = sqlx::query("DELETE FROM peer_nonces WHERE seen_at < $1")
                    .bind(before)
                    .execute(&self.writer)
                    .await?;
                Ok(deleted.rows_affected())
            }

            async fn append_audit(
                &self,
                entry: &$crate::store::AuditEntry,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO audit_log \
                     (at, event, outcome, peer_id, account_id, ip, detail) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(entry.at)
                .bind(&entry.event)
                .bind(&entry.outcome)
                .bind(&entry.peer_id)
                .bind(&entry.account_id)
                .bind(&entry.ip)
                .bind(&entry.detail)
                .execute(&self.writer)
                .await?;
                Ok(())
            }

            async fn audit_entries(
                &self,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::AuditEntry>> {
                let sql = "SELECT at, event, outcome, peer_id, account_id, ip, detail \
                           FROM audit_log ORDER BY id DESC LIMIT $1";
                Ok(sqlx::query_as(sql).bind(limit).fetch_all(&self.pool).await?)
            }

            async fn max_version(&self) -> $crate::store::StoreResult<Option<String>> {
                let (max,): (Option<String>,) =
                    sqlx::query_as("SELECT MAX(version) FROM records")
                        .fetch_one(&self.pool)
                        .await?;
                Ok(max)
            }

            async fn apply_versions(
                &self,
                account_id: &str,
                versions: &[$crate::store::Record],
                origin_peer: Option<&str>,
                cursor: Option<&$crate::store::SyncCursor>,
            ) -> $crate::store::StoreResult<usize> {
                let mut tx = self.writer.begin().await?;
                let applied = Self::apply_in(&mut tx, account_id, versions, origin_peer).await?;
                if let Some(c) = cursor {
                    sqlx::query(
                        "INSERT INTO sync_cursors (peer_id, pull_epoch, pull_seq, push_epoch, \
                         push_seq) VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (peer_id) DO UPDATE SET pull_epoch = excluded.pull_epoch, \
                         pull_seq = excluded.pull_seq, push_epoch = excluded.push_epoch, \
                         push_seq = excluded.push_seq",
                    )
                    .bind(&c.peer_id)
                    .bind(&c.pull_epoch)
                    .bind(c.pull_seq)
                    .bind(&c.push_epoch)
                    .bind(c.push_seq)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(applied)
            }

            async fn record(
                &self,
                account_id: &str,
                id: &str,
            ) -> $crate::store::StoreResult<Option<$crate::store::Record>> {
                let sql = concat!(
                    $crate::store::sql::record_select!(),
                    " WHERE account_id = $1 AND id = $2"
                );
                Ok(sqlx::query_as(sql)
                    .bind(account_id)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn list_records(
                &self,
                q: &$crate::store::RecordQuery<'_>,
            ) -> $crate::store::StoreResult<Vec<$crate::store::Record>> {
                // Four fixed statements rather than assembled SQL.
                let base = concat!(
                    $crate::store::sql::record_select!(),
                    " WHERE account_id = $1 AND kind = $2 AND deleted = $3 \
                     AND ($4 = '' OR conversation_id = $4)"
                );
                let sql = match (q.descending, q.cursor.is_some()) {
                    (false, false) => format!("{base} ORDER BY id LIMIT $5"),
                    (false, true) => format!("{base} AND id > $6 ORDER BY id LIMIT $5"),
                    (true, false) => format!("{base} ORDER BY id DESC LIMIT $5"),
                    (true, true) => format!("{base} AND id < $6 ORDER BY id DESC LIMIT $5"),
                };
                let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(q.account_id)
                    .bind(q.kind)
                    .bind(false)
                    .bind(q.conversation_id.unwrap_or(""))
                    .bind(q.limit);
                if let Some(cursor) = q.cursor {
                    query = query.bind(cursor);
                }
                Ok(query.fetch_all(&self.pool).await?)
            }

            async fn feed_page(
                &self,
                account_id: &str,
                after_seq: i64,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::Record>> {
                let sql = concat!(
                    $crate::store::sql::record_select!(),
                    " WHERE account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
                );
                Ok(sqlx::query_as(sql)
                    .bind(account_id)
                    .bind(after_seq)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn feed_window(
                &self,
                account_id: &str,
                after_seq: i64,
                limit: i64,
                exclude_origin: &str,
            ) -> $crate::store::StoreResult<$crate::store::FeedWindow> {
                // The window's extent from the feed index alone. Every seq up to `last` is
                // committed (seqs are taken under the account's counter lock, in commit
                // order), and a version replaced meanwhile moves past `last`, to be read in
                // a later window: reading the rows in a second statement loses nothing.
                let (count, last): (i64, Option<i64>) = sqlx::query_as(
                    "SELECT COUNT(*), MAX(seq) FROM (SELECT seq FROM records \
                     WHERE account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3) w",
                )
                .bind(account_id)
                .bind(after_seq)
                .bind(limit)
                .fetch_one(&self.pool)
                .await?;
                let Some(last) = last else {
                    return Ok($crate::store::FeedWindow {
                        records: Vec::new(),
                        last: after_seq,
                        full: false,
                    });
                };
                let sql = concat!(
                    $crate::store::sql::record_select!(),
                    " WHERE account_id = $1 AND seq > $2 AND seq <= $3 \
                     AND (origin_peer IS NULL OR origin_peer <> $4) ORDER BY seq"
                );
                let records = sqlx::query_as(sql)
                    .bind(account_id)
                    .bind(after_seq)
                    .bind(last)
                    .bind(exclude_origin)
                    .fetch_all(&self.pool)
                    .await?;
                Ok($crate::store::FeedWindow {
                    records,
                    last,
                    full: count >= limit,
                })
            }

            async fn feed_head(&self, account_id: &str) -> $crate::store::StoreResult<i64> {
                let row: Option<(i64,)> =
                    sqlx::query_as("SELECT seq FROM feed_counters WHERE account_id = $1")
                        .bind(account_id)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.map_or(0, |(seq,)| seq))
            }

            async fn count_pending(
                &self,
                account_id: &str,
                after_seq: i64,
                exclude_origin: &str,
            ) -> $crate::store::StoreResult<i64> {
                let (count,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM records WHERE account_id = $1 AND seq > $2 \
                     AND (origin_peer IS NULL OR origin_peer <> $3)",
                )
                .bind(account_id)
                .bind(after_seq)
                .bind(exclude_origin)
                .fetch_one(&self.pool)
                .await?;
                Ok(count)
            }

            async fn sync_cursor(
                &self,
                peer_id: &str,
            ) -> $crate::store::StoreResult<Option<$crate::store::SyncCursor>> {
                let sql = "SELECT peer_id, pull_epoch, pull_seq, push_epoch, push_seq, \
                           last_success_at, last_error, last_error_at, last_error_code, \
                           failing_since FROM sync_cursors WHERE peer_id = $1";
                Ok(sqlx::query_as(sql).bind(peer_id).fetch_optional(&self.pool).await?)
            }

            async fn record_sync_outcome(
                &self,
                peer_id: &str,
                at: i64,
                failure: Option<&$crate::store::SyncFailure>,
            ) -> $crate::store::StoreResult<()> {
                let Some(failure) = failure else {
                    let sql = "INSERT INTO sync_cursors (peer_id, last_success_at) VALUES ($1, $2) \
                               ON CONFLICT (peer_id) DO UPDATE SET \
                               last_success_at = excluded.last_success_at, last_error = NULL, \
                               last_error_at = NULL, last_error_code = NULL, failing_since = NULL";
                    sqlx::query(sql).bind(peer_id).bind(at).execute(&self.writer).await?;
                    return Ok(());
                };
                // `failing_since` keeps the first failure of a run of failures.
                let sql = "INSERT INTO sync_cursors \
                           (peer_id, last_error_at, failing_since, last_error_code, last_error) \
                           VALUES ($1, $2, $2, $3, $4) ON CONFLICT (peer_id) DO UPDATE SET \
                           last_error_at = excluded.last_error_at, \
                           failing_since = COALESCE(sync_cursors.failing_since, excluded.failing_since), \
                           last_error_code = excluded.last_error_code, \
                           last_error = excluded.last_error";
                sqlx::query(sql)
                    .bind(peer_id)
                    .bind(at)
                    .bind(failure.code)
                    .bind(&failure.message)
                    .execute(&self.writer)
                    .await?;
                Ok(())
            }

            fn telemetry(&self) -> &dyn $crate::store::telemetry::TelemetryStore {
                self
            }

            async fn close(&self) {
                self.writer.close().await;
                self.pool.close().await;
            }
        }
    };
}

pub(crate) use sql_store;

/// Versions applied per statement: 14 parameters each keeps a statement under SQLite's
/// 32 766 and Postgres' 65 535 bound parameters.
pub(crate) const APPLY_CHUNK: usize = 500;

/// Which of `incoming` replace what is stored (`stored`: id, version, kind), in order: a
/// version wins over the stored one, or over an earlier one of the same id in `incoming`, if
/// it is greater and of the same kind; an id not stored takes its first version's kind. One
/// row per id, so a multi-row upsert never touches a row twice.
pub(crate) fn lww_winners(
    stored: Vec<(String, String, String)>,
    incoming: &[super::Record],
) -> Vec<&super::Record> {
    use std::collections::HashMap;
    use std::collections::hash_map::Entry;
    let mut current: HashMap<String, (String, String)> = stored
        .into_iter()
        .map(|(id, version, kind)| (id, (version, kind)))
        .collect();
    let mut winners: Vec<&super::Record> = Vec::new();
    let mut slot: HashMap<&str, usize> = HashMap::new();
    for v in incoming {
        match current.entry(v.id.clone()) {
            Entry::Occupied(mut e) => {
                let (version, kind) = e.get();
                if *version >= v.version || *kind != v.kind {
                    continue;
                }
                e.insert((v.version.clone(), v.kind.clone()));
            }
            Entry::Vacant(e) => {
                e.insert((v.version.clone(), v.kind.clone()));
            }
        }
        match slot.entry(v.id.as_str()) {
            Entry::Occupied(e) => winners[*e.get()] = v,
            Entry::Vacant(e) => {
                e.insert(winners.len());
                winners.push(v);
            }
        }
    }
    winners
}

macro_rules! peer_select {
    () => {
        "SELECT peer_id, account_id, remote_id, remote_key_id, remote_public_key, remote_url, \
         status, kid, sbt_expires_at, created_at, updated_at FROM peers"
    };
}

pub(crate) use peer_select;

macro_rules! record_select {
    () => {
        "SELECT kind, id, conversation_id, title, role, content, created_at, updated_at, \
         deleted, version, source_backend, seq, origin_peer FROM records"
    };
}

pub(crate) use record_select;
