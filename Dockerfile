# One image for every service; docker-compose*.yml picks the service with
# `python -m services.<name>`. Dependencies first, so a code change reuses their layer.
FROM python:3.11-slim
# neonize imports python-magic (libmagic1) when it loads; ffmpeg/ffprobe convert voice notes,
# stickers and video.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libmagic1 ffmpeg \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir -r requirements.lock
COPY contracts ./contracts
COPY runtime ./runtime
COPY services ./services
COPY cli ./cli
RUN pip install --no-cache-dir --no-deps -e . \
 && mkdir -p /data/simulator && chown -R nobody:nogroup /data
# Named volumes mounted at /data (and /data/simulator) start as copies of these folders, so
# the services, running as nobody, can write their SQLite files and the simulator's state.
# NEONIZE_BOT_TAG=off: neonize's Go layer otherwise tags every 1:1 message as a bot's.
ENV WA_DATA_DIR=/data WA_LOG_FORMAT=json PYTHONUNBUFFERED=1 NEONIZE_BOT_TAG=off
USER nobody
