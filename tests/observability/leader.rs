//! Several hosted instances on one Postgres database: one leads (evaluates the alerts), the
//! others wait; the lead passes on as soon as the leader's store has closed. Daemons on other schemas
//! of the same database do not compete. On SQLite one daemon owns the database and leads.

use backend_8825::observability::alerts::ALERTS_LOCK;
use backend_8825::store::connect;

use crate::common::{self, Db};

#[tokio::test]
async fn one_instance_per_database_leads() {
    for db in common::databases().await {
        let name = db.name();
        let dir = tempfile::tempdir().unwrap();
        let url = db.url(dir.path());
        let first = connect(&url, 2).await.unwrap();
        assert!(first.try_lead(ALERTS_LOCK).await.unwrap(), "{name}");
        assert!(
            first.try_lead(ALERTS_LOCK).await.unwrap(),
            "{name}: it keeps it"
        );
        let Db::Postgres(_) = &db else { continue };

        let second = connect(&url, 2).await.unwrap();
        assert!(
            !second.try_lead(ALERTS_LOCK).await.unwrap(),
            "{name}: one leads"
        );
        let elsewhere = common::fresh_postgres_schema().await.unwrap();
        let other_schema = connect(&elsewhere, 2).await.unwrap();
        assert!(
            other_schema.try_lead(ALERTS_LOCK).await.unwrap(),
            "another schema is another deployment"
        );

        // The lead passes on the moment the leader's store has closed, not a moment later:
        // hand it over a few times in a row, each to an instance that asks right away.
        first.close().await;
        let mut leader = second;
        for round in 0..10 {
            assert!(
                leader.try_lead(ALERTS_LOCK).await.unwrap(),
                "{name}: the lead passes on (round {round})"
            );
            let next = connect(&url, 2).await.unwrap();
            assert!(
                !next.try_lead(ALERTS_LOCK).await.unwrap(),
                "{name}: one leads"
            );
            leader.close().await;
            leader = next;
        }
        assert!(leader.try_lead(ALERTS_LOCK).await.unwrap());
        leader.close().await;
        other_schema.close().await;
    }
}
