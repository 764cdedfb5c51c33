# The hosted profile of backend-8825 as a container image (Fly.io, or any container host).
#
#   docker build -t backend-8825 .
#   docker run --rm -p 8080:8080 \
#     -e DATABASE_URL=postgres://USER:PASSWORD@HOST/DB \
#     -e BACKEND_8825_IDENTITY_KEY="$(cat identity.pem)" \
#     backend-8825
#
# The image has no ENTRYPOINT, only a CMD, and the binary is on PATH: a command given to
# the container replaces CMD as a whole (`docker run IMAGE backend-8825 identity`). Fly's
# release_command works the same way: it replaces CMD and keeps any ENTRYPOINT, so with the
# binary as ENTRYPOINT, `release_command = "backend-8825 migrate"` would run
# `backend-8825 backend-8825 migrate` and fail.

# --- build -----------------------------------------------------------------------------
FROM rust:1.95-bookworm AS builder
WORKDIR /src

# The binary embeds config/*.toml (include_str!), migrations/ (sqlx::migrate!) and the
# built web UI, web/dist (include_bytes!), at compile time; the manifest declares the
# benches/ target and build.rs. All must be present for the build (Node is not needed:
# web/dist is committed).
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
COPY migrations ./migrations
COPY config ./config
COPY benches ./benches
COPY web/dist ./web/dist

RUN cargo build --release --locked --bin backend-8825 \
    && cp target/release/backend-8825 /usr/local/bin/backend-8825

# --- run -------------------------------------------------------------------------------
FROM debian:bookworm-slim

RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin app \
    && mkdir -p /data \
    && chown app:app /data \
    && chmod 0700 /data

COPY --from=builder /usr/local/bin/backend-8825 /usr/local/bin/backend-8825

# Hosted profile; the data dir only holds the identity key file when the key is not given
# through BACKEND_8825_IDENTITY_KEY (and the SQLite file of a one-user self-host).
ENV BACKEND_8825_MODE=hosted \
    BACKEND_8825_DATA_DIR=/data

USER app
WORKDIR /data
EXPOSE 8080

CMD ["/usr/local/bin/backend-8825", "serve", "--mode", "hosted"]
