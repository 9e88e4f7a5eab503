FROM python:3.11-slim
WORKDIR /app
COPY requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir -r requirements.lock
COPY contracts ./contracts
COPY runtime ./runtime
COPY services ./services
COPY cli ./cli
RUN pip install --no-cache-dir --no-deps -e .
USER nobody
