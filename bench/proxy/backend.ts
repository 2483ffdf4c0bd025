/** The benchmark backend: a minimal node:http server answering a 13-byte body on $PORT. */
import { createServer } from "node:http";

createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/plain", "content-length": "13" }).end("hello, world\n");
}).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("ready"));
