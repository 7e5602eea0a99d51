const axios = require("axios");

const client = axios.create({ baseURL: process.env.API_URL });

client.interceptors.request.use((config) => {
  console.log("outgoing", config.method, config.url);
  console.log("outgoing headers", config.headers);
  return config;
});

client.interceptors.response.use(
  (res) => {
    console.log("status", res.status);
    return res;
  },
  (err) => {
    console.error("request failed", err.message);
    return Promise.reject(err);
  }
);

function authHeaders(apiKey) {
  const headers = { "X-Api-Key": apiKey };
  console.log("api key configured:", !!apiKey);
  return headers;
}

module.exports = { client, authHeaders };
