# Two stages: build with the full toolchain, run only .output (Nitro bundles what the server needs).
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Scripts are skipped: the postinstall `nuxt prepare` needs the sources, and `nuxt build` prepares anyway.
RUN npm ci --ignore-scripts
# Only what the build reads, so local .data, .output and node_modules never end up in the image.
COPY nuxt.config.ts tsconfig.json ./
COPY app ./app
COPY layers ./layers
COPY server ./server
COPY shared ./shared
COPY drizzle ./drizzle
RUN npx nuxt build

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=build /src/.output ./.output
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/api/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", ".output/server/index.mjs"]
