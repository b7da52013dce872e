# The registry as a container image (used by docker-compose.yml).
FROM rust:1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/target/release/feide-registry /usr/local/bin/feide-registry
COPY data/catalogue.json /app/data/catalogue.json
ENV BIND_ADDR=0.0.0.0:8080
EXPOSE 8080
USER nobody
ENTRYPOINT ["feide-registry"]
