// redirect() in a Server Action, posted as a plain form (no JavaScript).
import { redirect } from "next/navigation";

async function leave() {
  "use server";
  redirect("/login");
}

export default function Page() {
  return (
    <form action={leave}>
      <button type="submit">go</button>
    </form>
  );
}
