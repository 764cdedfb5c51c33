//! Peers, their pair keys, and the nonces of their signed requests.

use std::collections::HashSet;

use super::Db;
use super::builder::Builder;
use super::query::{Arg, Query, Tx};
use crate::store::{
    PEER_ACTIVE, Peer, PeerKey, PreviousIdentityKey, SeenNonce, StoreError, StoreResult,
};

/// Peer ids per statement of [`Db::active_among`] (well under SQLite's limit of bound values).
const ACTIVE_AMONG_CHUNK: usize = 500;

/// The columns of a [`Peer`], as the statements below read it.
macro_rules! peer_select {
    () => {
        "SELECT peer_id, account_id, remote_id, remote_key_id, remote_public_key, remote_url, \
         status, kid, sbt_expires_at, created_at, updated_at FROM peers"
    };
}

impl Db<'_> {
    pub(super) async fn insert_peer(self, peer: &Peer, key: &PeerKey) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        insert_peer_in(&mut tx, peer, key).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn peer(self, peer_id: &str) -> StoreResult<Option<Peer>> {
        let sql = concat!(peer_select!(), " WHERE peer_id = $1");
        Ok(Query::new(sql)
            .bind(peer_id)
            .fetch_optional(self.pool)
            .await?)
    }

    pub(super) async fn peers(self, account_id: Option<&str>) -> StoreResult<Vec<Peer>> {
        Ok(match account_id {
            Some(account_id) => {
                let sql = concat!(
                    peer_select!(),
                    " WHERE account_id = $1 ORDER BY created_at, peer_id"
                );
                Query::new(sql)
                    .bind(account_id)
                    .fetch_all(self.pool)
                    .await?
            }
            None => {
                let sql = concat!(peer_select!(), " ORDER BY created_at, peer_id");
                Query::new(sql).fetch_all(self.pool).await?
            }
        })
    }

    pub(super) async fn active_among(self, peer_ids: &[String]) -> StoreResult<HashSet<String>> {
        let mut active = HashSet::new();
        for chunk in peer_ids.chunks(ACTIVE_AMONG_CHUNK) {
            let mut sql = Builder::new(
                self.pool.kind(),
                "SELECT peer_id FROM peers WHERE status = ",
            );
            sql.bind(PEER_ACTIVE).push(" AND peer_id IN (");
            sql.list(chunk.iter().map(Arg::from));
            sql.push(")");
            let rows: Vec<(String,)> = sql.build().persistent(false).fetch_all(self.pool).await?;
            active.extend(rows.into_iter().map(|(peer_id,)| peer_id));
        }
        Ok(active)
    }

    pub(super) async fn peer_key(self, peer_id: &str, kid: &str) -> StoreResult<Option<PeerKey>> {
        let sql = "SELECT peer_id, kid, key, sbt, created_at, sbt_expires_at, \
                   retires_at FROM peer_keys WHERE peer_id = $1 AND kid = $2";
        Ok(Query::new(sql)
            .bind(peer_id)
            .bind(kid)
            .fetch_optional(self.pool)
            .await?)
    }

    pub(super) async fn replace_peer_key(
        self,
        key: &PeerKey,
        retire_old_at: i64,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.writer.begin().await?;
        let updated = Query::new(
            "UPDATE peers SET kid = $2, sbt_expires_at = $3, updated_at = $4 \
             WHERE peer_id = $1 AND status = 'active'",
        )
        .bind(&key.peer_id)
        .bind(&key.kid)
        .bind(key.sbt_expires_at)
        .bind(now_ms)
        .execute(&mut tx)
        .await?;
        if updated == 0 {
            return Ok(false);
        }
        Query::new(
            "UPDATE peer_keys SET retires_at = $2 \
             WHERE peer_id = $1 AND (retires_at IS NULL OR retires_at > $2)",
        )
        .bind(&key.peer_id)
        .bind(retire_old_at)
        .execute(&mut tx)
        .await?;
        insert_peer_key_in(&mut tx, key).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub(super) async fn revoke_peer(self, peer_id: &str, now_ms: i64) -> StoreResult<bool> {
        let updated =
            Query::new("UPDATE peers SET status = 'revoked', updated_at = $2 WHERE peer_id = $1")
                .bind(peer_id)
                .bind(now_ms)
                .execute(self.writer)
                .await?;
        Ok(updated == 1)
    }

    pub(super) async fn repin_peer_key(
        self,
        peer_id: &str,
        old_key_id: &str,
        new_key_id: &str,
        new_public_key: &str,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let updated = Query::new(
            "UPDATE peers SET remote_key_id = $3, remote_public_key = $4, updated_at = $5 \
             WHERE peer_id = $1 AND remote_key_id = $2 AND status = 'active'",
        )
        .bind(peer_id)
        .bind(old_key_id)
        .bind(new_key_id)
        .bind(new_public_key)
        .bind(now_ms)
        .execute(self.writer)
        .await?;
        Ok(updated == 1)
    }

    pub(super) async fn previous_identity_keys(self) -> StoreResult<Vec<PreviousIdentityKey>> {
        let sql = "SELECT key_id, public_key, valid_until, key_change, rotated_at \
                   FROM identity_previous_keys ORDER BY rotated_at, key_id";
        Ok(Query::new(sql).fetch_all(self.pool).await?)
    }

    pub(super) async fn add_previous_identity_key(
        self,
        key: &PreviousIdentityKey,
    ) -> StoreResult<()> {
        Query::new(
            "INSERT INTO identity_previous_keys \
             (key_id, public_key, valid_until, key_change, rotated_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&key.key_id)
        .bind(&key.public_key)
        .bind(key.valid_until)
        .bind(&key.key_change)
        .bind(key.rotated_at)
        .execute(self.writer)
        .await?;
        Ok(())
    }

    pub(super) async fn remove_previous_identity_key(self, key_id: &str) -> StoreResult<()> {
        Query::new("DELETE FROM identity_previous_keys WHERE key_id = $1")
            .bind(key_id)
            .execute(self.writer)
            .await?;
        Ok(())
    }

    pub(super) async fn record_nonce(
        self,
        peer_id: &str,
        nonce: &str,
        seen_at: i64,
    ) -> StoreResult<bool> {
        let seen = SeenNonce {
            peer_id: peer_id.to_string(),
            nonce: nonce.to_string(),
            seen_at,
        };
        Ok(record_nonce(&seen).execute(self.writer).await? == 1)
    }

    pub(super) async fn prune_nonces(self, before: i64) -> StoreResult<u64> {
        Ok(Query::new("DELETE FROM peer_nonces WHERE seen_at < $1")
            .bind(before)
            .execute(self.writer)
            .await?)
    }
}

/// Stores a peer and its first pair key, in the caller's transaction.
pub(super) async fn insert_peer_in(tx: &mut Tx, peer: &Peer, key: &PeerKey) -> StoreResult<()> {
    Query::new(
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
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::unique(e, "peer"))?;
    insert_peer_key_in(tx, key).await
}

async fn insert_peer_key_in(tx: &mut Tx, key: &PeerKey) -> StoreResult<()> {
    Query::new(
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
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::unique(e, "pair key"))?;
    Ok(())
}

/// Records a signed request's nonce: one row inserted, or none if the peer used it before.
pub(super) fn record_nonce(seen: &SeenNonce) -> Query<'_> {
    Query::new(
        "INSERT INTO peer_nonces (peer_id, nonce, seen_at) VALUES ($1, $2, $3) \
         ON CONFLICT (peer_id, nonce) DO NOTHING",
    )
    .bind(&seen.peer_id)
    .bind(&seen.nonce)
    .bind(seen.seen_at)
}
